"""The testkit generator's parts; spec/testkit/generate.py runs them."""

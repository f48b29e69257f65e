"""Test tooling shared by tests/, fuzz/, scripts/ and benchmarks/: never part of the product
(the wheel ships `collector` only). Each module imports the product; nothing in the product
imports this."""

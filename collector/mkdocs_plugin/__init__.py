"""The MkDocs plugin that turns question sets into the static answering site."""

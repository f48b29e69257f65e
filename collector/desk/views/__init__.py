"""One module per page of the desk; each calls the same routine functions as the CLI."""

"""The answering site as HR runs it: built in-process with MkDocs, served on 127.0.0.1."""

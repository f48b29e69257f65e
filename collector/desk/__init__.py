"""HR's desk: the whole routine as a local web page, for HR users who never open a terminal.

A thin layer over the same library as the CLI (intake, routine, render, store): no rule,
query or text lives here that the CLI does not share. It listens on 127.0.0.1 only, lets in
only the browser that opened the one-time address, and writes nothing decrypted to disk.
"""

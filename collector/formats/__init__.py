"""The file formats of spec/FORMAT.md, one module per section, and the only users of
`cryptography`: strict JSON, keys, HPKE, the key file, the envelope, the payload, armor."""

"""The one contract: pydantic models of a question set, the employer, and the payload; and
loading question sets from YAML. The site build and the import use the same models."""

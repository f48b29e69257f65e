"""What HR brings in: files, folders and mails -> response bytes -> opened, checked and
stored. Import returns results; it prints nothing."""

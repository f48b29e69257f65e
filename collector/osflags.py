"""The flags for opening files, the same on Linux, macOS and Windows.

O_NONBLOCK (a FIFO swapped in must not hang the open) and O_CLOEXEC exist only on POSIX;
O_BINARY only on Windows, where a descriptor opened without it turns every LF written into
CRLF, which would change a response file's bytes.
"""

from __future__ import annotations

import os

_PORTABLE = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)

READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _PORTABLE
"""Read a file that should be a regular one, without ever blocking on a FIFO."""

CREATE_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _PORTABLE
"""Create a file that must not exist yet: no race, no following a planted link's target."""

POSIX = os.name == "posix"
"""File modes (0600) mean something here; on Windows access is by ACL, not mode."""

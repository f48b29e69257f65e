"""Extract, merge and compile the operator's catalogues (testing/messages.py says how)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testing.messages import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

import sys

from importer.cli import main

sys.exit(main())

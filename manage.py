#!/usr/bin/env python
from binhyen.__main__ import main

if __name__ == "__main__":
    main()

"""A static-files finder for npm packages whose folder holds far more than the app uses.

``settings.PMO_VENDOR_FILES`` maps a URL prefix to ``(folder, [file names])``; only those files are
found and collected (swagger-ui-dist ships its demo page and several bundles beside the one we load).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


class VendorFileFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.packages = {prefix: (Path(folder), tuple(names))
                         for prefix, (folder, names) in settings.PMO_VENDOR_FILES.items()}

    def find(self, path, find_all=False, **kwargs):
        prefix, _, name = path.rpartition("/")
        folder, names = self.packages.get(prefix, (None, ()))
        if name not in names:
            return [] if find_all else None
        found = str(folder / name)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        for prefix, (folder, names) in self.packages.items():
            storage = FileSystemStorage(location=folder)
            storage.prefix = prefix
            for name in names:
                yield name, storage

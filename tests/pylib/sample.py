"""A private copy of the sample for a test to edit: stories/ copied into a fresh temporary
folder, the generated photos linked (not copied: they are 10 MB)."""
import os
import shutil
import tempfile


def sample_copy(src, prefix):
    """Returns (tmp, stories): a new temporary folder and the copy of stories/ inside it."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    d = os.path.join(tmp, "s")
    shutil.copytree(os.path.join(src, "stories"), d, ignore=shutil.ignore_patterns("photos"))
    os.symlink(os.path.join(src, "stories", "photos"), os.path.join(d, "photos"))
    return tmp, d

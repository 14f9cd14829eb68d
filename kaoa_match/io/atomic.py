"""Write a whole output directory or nothing: never a half-written run."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from kaoa_match.exceptions import KaoaMatchError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

PLAN_FILES = frozenset(
    {
        "assignments.csv",
        "unassigned.csv",
        "summary.json",
        "changes.csv",
        "report.html",
        "plan.xlsx",
    }
)
"""What a plan directory may hold (a run over several Kreise also holds one
sub-directory of these per Kreis); anything else means it is not ours to replace."""


@contextlib.contextmanager
def atomic_directory(
    target: str | Path, refuse: Callable[[Path], None] | None = None
) -> Iterator[Path]:
    """Yield a fresh staging directory; on success it replaces ``target`` whole.

    The staging directory sits beside ``target`` (same file system), so the
    final step is two renames. If the body raises, ``target`` is untouched and
    the staging directory is removed. ``refuse`` raises if ``target`` holds
    what is not ours to replace (default: :func:`refuse_foreign`, for plans).
    """
    target = Path(target)
    (refuse or refuse_foreign)(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        yield staging
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def refuse_foreign(target: str | Path) -> None:
    """Raise if ``target`` exists and holds anything but a plan (it would be replaced)."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise KaoaMatchError(f"{target} exists and is not a directory")
    if target.is_dir():
        foreign = sorted(p.name for p in target.iterdir() if not _ours(p))
        if foreign:
            raise KaoaMatchError(
                f"{target} holds files that are not part of a plan ({', '.join(foreign[:3])}); "
                "choose a new or empty output directory"
            )


def _ours(entry: Path) -> bool:
    """A plan file, or the plan directory of one Kreis of a run over several."""
    if entry.is_dir() and not entry.is_symlink():
        return all(p.name in PLAN_FILES and p.is_file() for p in entry.iterdir())
    return entry.name in PLAN_FILES


def _swap(staging: Path, target: Path) -> None:
    os.chmod(staging, 0o755)
    if not target.exists():
        os.replace(staging, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rmdir(old)
    os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)

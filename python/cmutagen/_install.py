# SPDX-License-Identifier: GPL-2.0-or-later
"""Make ``import mutagen`` (and every ``mutagen.*`` path) load cmutagen.

A finder placed first on ``sys.meta_path`` answers for the name ``mutagen``
and everything below it: ``mutagen.X`` is the very module object
``cmutagen.X``, so classes, exceptions and isinstance checks are shared.  A
path that cmutagen does not have fails with ModuleNotFoundError instead of
falling through to an installed copy of the real mutagen.
"""

import importlib
import importlib.abc
import importlib.util
import sys

_ALIAS = "mutagen"
_TARGET = "cmutagen"


def _target_name(fullname):
    if fullname == _ALIAS:
        return _TARGET
    if fullname.startswith(_ALIAS + "."):
        return _TARGET + fullname[len(_ALIAS):]
    return None


class _AliasLoader(importlib.abc.Loader):
    """Hands out an already imported cmutagen module under its mutagen name."""

    def __init__(self, module):
        self._module = module
        self._own_spec = module.__spec__

    def create_module(self, spec):
        return self._module

    def exec_module(self, module):
        # The module is cmutagen's and already ran.  importlib has just set
        # its __spec__ to the alias spec; put cmutagen's back so reload(),
        # pickling and introspection keep seeing the module's real name.
        module.__spec__ = self._own_spec


class MutagenAliasFinder(importlib.abc.MetaPathFinder):

    def find_spec(self, fullname, path=None, target=None):
        target_name = _target_name(fullname)
        if target_name is None:
            return None
        module = importlib.import_module(target_name)
        spec = importlib.util.spec_from_loader(
            fullname, _AliasLoader(module),
            is_package=hasattr(module, "__path__"))
        return spec

    def __repr__(self):
        return "<MutagenAliasFinder mutagen -> cmutagen>"


def install_as_mutagen():
    """After this call ``import mutagen`` and ``from mutagen.X import Y``
    resolve to cmutagen's modules, even where the real mutagen is installed.
    Calling it again does nothing more."""
    for finder in sys.meta_path:
        if isinstance(finder, MutagenAliasFinder):
            return
    # Modules of the real mutagen imported before this call must not be
    # found again by name: drop them so the next import comes here.
    for name in list(sys.modules):
        if _target_name(name) is not None:
            module = sys.modules[name]
            if not getattr(module, "__name__", "").startswith(_TARGET):
                del sys.modules[name]
    sys.meta_path.insert(0, MutagenAliasFinder())

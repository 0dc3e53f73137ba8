"""Active content: what a PDF can do besides show its pages.

Every object in the file is looked at (:func:`classify`, called for each dictionary by
the walk in structure.py), reachable or not, so an action is found wherever it sits: the
catalogue's /OpenAction, /Names and /AcroForm, a page's /AA, an annotation's /A and
/AA, a form field's /AA, an outline item, an action chained through /Next, or an object
hidden in an object stream. Refused (docs/filing.md, "Active content and links"):

* JavaScript: a /JS entry, the /JavaScript name tree, a JavaScript action (§12.6.4.16),
  a ``javascript:`` link;
* XFA forms (/XFA in the interactive form, §12.7.8), which carry their own scripts;
* actions that open programs or other files: Launch, GoToR and GoToE (§12.6.4.3-5), and
  a Thread action into another file (/F, §12.6.4.6);
* form actions that send data out or read it in: SubmitForm and ImportData (§12.7.5);
* multimedia: RichMedia, 3D, Movie, Sound and Screen annotations and the RichMediaExecute,
  Rendition, Movie and Sound actions;
* embedded and attached files (§7.11.4, §12.5.6.15);
* links (URI actions, §12.6.4.7) other than to an absolute http, https or mailto address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

import pikepdf

from .messages import Rejection

# The order in which findings are reported when a file has more than one.
PRIORITY: Final = (
    Rejection.LAUNCH_ACTION,
    Rejection.JAVASCRIPT,
    Rejection.XFA_FORM,
    Rejection.LINK_TO_FILE,
    Rejection.LINK_NOT_WEB,
    Rejection.FORM_SUBMISSION,
    Rejection.IMPORT_DATA,
    Rejection.RICH_MEDIA,
    Rejection.EMBEDDED_FILE,
)

# The value of an action's /S, and what an action of that type is refused as.
_ACTIONS: Final[dict[str, Rejection]] = {
    "/JavaScript": Rejection.JAVASCRIPT,
    "/Launch": Rejection.LAUNCH_ACTION,
    "/GoToR": Rejection.LINK_TO_FILE,
    "/GoToE": Rejection.LINK_TO_FILE,
    "/SubmitForm": Rejection.FORM_SUBMISSION,
    "/ImportData": Rejection.IMPORT_DATA,
    "/RichMediaExecute": Rejection.RICH_MEDIA,
    "/Rendition": Rejection.RICH_MEDIA,
    "/Movie": Rejection.RICH_MEDIA,
    "/Sound": Rejection.RICH_MEDIA,
}
_MEDIA_ANNOTATIONS: Final = frozenset({"/RichMedia", "/3D", "/Movie", "/Sound", "/Screen"})

#: The schemes a link may use. Court documents cite web pages and email addresses;
#: anything else (file:, smb:, a program's own scheme, a relative path that a viewer
#: resolves against the folder the PDF was opened from, a \\host\share path) reaches
#: the reader's computer or network rather than the web.
ALLOWED_LINK_SCHEMES: Final = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# Browsers drop tabs and line breaks anywhere in a URL and C0 controls and spaces at
# its ends ("java\tscript:" is javascript:), and so must this check.
_URL_IGNORED = re.compile(r"[\t\n\r]")
_URL_TRIMMED = "".join(chr(code) for code in range(0x21))

_S = pikepdf.Name("/S")
_TYPE = pikepdf.Name("/Type")
_SUBTYPE = pikepdf.Name("/Subtype")
_URI = pikepdf.Name("/URI")
_F = pikepdf.Name("/F")
# Made once: pikepdf.Name.EmbeddedFile builds a new name on every use (structure.py).
_EMBEDDED_FILE = pikepdf.Name("/EmbeddedFile")
_FILE_ATTACHMENT = pikepdf.Name("/FileAttachment")


def link_verdict(target: object) -> Rejection | None:
    """Whether the target of a URI action may stay in a filed document."""
    if not isinstance(target, pikepdf.String):
        return Rejection.LINK_NOT_WEB
    text = _URL_IGNORED.sub("", str(target)).strip(_URL_TRIMMED)
    scheme = _SCHEME.match(text)
    if scheme is None:
        return Rejection.LINK_NOT_WEB
    name = scheme.group(1).lower()
    if name in {"javascript", "vbscript"}:
        return Rejection.JAVASCRIPT
    return None if name in ALLOWED_LINK_SCHEMES else Rejection.LINK_NOT_WEB


def classify(obj: pikepdf.Dictionary | pikepdf.Stream, keys: Iterable[str], found: set[Rejection]) -> None:
    """Add to ``found`` what this dictionary (or stream dictionary) is refused for."""
    keys = set(keys)
    if "/JS" in keys or "/JavaScript" in keys:
        found.add(Rejection.JAVASCRIPT)
    if "/XFA" in keys:
        found.add(Rejection.XFA_FORM)
    if "/S" in keys:
        action = obj.get(_S)
        if isinstance(action, pikepdf.Name):
            name = str(action)
            if name in _ACTIONS:
                found.add(_ACTIONS[name])
            elif name == "/URI":
                verdict = link_verdict(obj.get(_URI))
                if verdict is not None:
                    found.add(verdict)
            elif name == "/Thread" and "/F" in keys:
                found.add(Rejection.LINK_TO_FILE)
    if "/EmbeddedFiles" in keys or "/EF" in keys:
        found.add(Rejection.EMBEDDED_FILE)
    if "/Type" in keys and obj.get(_TYPE) == _EMBEDDED_FILE:
        found.add(Rejection.EMBEDDED_FILE)
    if "/Subtype" in keys:
        subtype = obj.get(_SUBTYPE)
        if subtype == _FILE_ATTACHMENT:
            found.add(Rejection.EMBEDDED_FILE)
        elif isinstance(subtype, pikepdf.Name) and str(subtype) in _MEDIA_ANNOTATIONS:
            found.add(Rejection.RICH_MEDIA)


def most_serious(found: set[Rejection]) -> Rejection | None:
    for rejection in PRIORITY:
        if rejection in found:
            return rejection
    return None

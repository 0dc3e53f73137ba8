"""The portal's date and time formats per language (``FORMAT_MODULE_PATH``).

Django looks a language's formats up in ``icms.formats.<locale>.formats`` first, then
in its own ``django.conf.locale``; the locale directory of LANGUAGE_CODE ``zh-hant``
is ``zh_Hant`` (:func:`django.utils.translation.to_locale`). Whatever a module here
leaves out (number formats, most input formats) comes from Django's module.

Besides Django's named formats, each module defines the portal's own
(:data:`icms.core.dates.PORTAL_FORMATS`), used through the filters of
``icms/core/templatetags/icms_dates.py``. Times are shown in the active time zone,
which the portal keeps at Asia/Hong_Kong.
"""

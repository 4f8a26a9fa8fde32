from django.conf import settings
from django.utils import translation


def site(request):
    """The city, the language direction and the language switch for every template."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    path = request.path
    rest = path
    for lang, _name in settings.LANGUAGES:
        if path == f"/{lang}/" or path.startswith(f"/{lang}/"):
            rest = path[len(lang) + 1 :]
            break
    switch = [
        {
            "code": lang,
            "name": translation.get_language_info(lang)["name_local"],
            "url": f"/{lang}{rest}",
            "current": lang == code,
        }
        for lang, _name in settings.LANGUAGES
    ]
    return {
        "city": getattr(request, "city", None),
        "language_direction": "rtl" if translation.get_language_bidi() else "ltr",
        "language_switch": switch,
        "demo_mode": settings.DEMO,
    }

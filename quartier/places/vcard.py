"""vCard 3.0 (RFC 2426) export of public contacts, so residents can save them to their phone."""


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, current = [], ""
    for ch in line:
        if len((current + ch).encode("utf-8")) > (75 if not parts else 74):
            parts.append(current)
            current = ch
        else:
            current += ch
    parts.append(current)
    return "\r\n ".join(parts)


def vcard_for_contacts(contacts, *, city) -> str:
    cards = []
    for contact in contacts:
        office = contact.office
        districts = ", ".join(d.name for d in contact.districts.all())
        if contact.vacant or not contact.name:
            full_name = f"{contact.role or 'Kontakt'} {districts} (N.N.)".strip()
            n_field = f";{_escape(full_name)};;;"
        else:
            parts = contact.name.rsplit(" ", 1)
            family, given = (parts[1], parts[0]) if len(parts) == 2 else (parts[0], "")
            full_name = contact.name
            n_field = f"{_escape(family)};{_escape(given)};;;"
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"FN:{_escape(full_name)}",
            f"N:{n_field}",
            f"ORG:{_escape(city.name)};{_escape(office.name)}",
        ]
        if contact.role:
            lines.append(f"TITLE:{_escape(contact.role)} – {_escape(districts)}")
        lines.append(
            f"ADR;TYPE=WORK:;;{_escape(office.street)};{_escape(office.locality)};;"
            f"{_escape(office.postal_code)};Deutschland"
        )
        phone = contact.phone or office.phone
        if phone:
            lines.append(f"TEL;TYPE=WORK,VOICE:{_escape(phone)}")
        email = contact.email or office.email
        if email:
            lines.append(f"EMAIL;TYPE=INTERNET,WORK:{_escape(email)}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(_fold(line) for line in lines))
    return "\r\n".join(cards) + "\r\n"

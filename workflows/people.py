"""How a person's name is written: Vietnamese order, family name first (họ, tên đệm, tên).

Accounts keep the family name in `last_name` and the middle and given names in `first_name`
(Django's fields), so "Lò Văn Thành" is last_name "Lò", first_name "Văn Thành". Every screen,
form, export and signature writes a name through `full_name`; lists sort by `sort_key`, the given
name first as Vietnamese lists do.
"""


def full_name(user) -> str:
    """'Lò Văn Thành'; the username for an account without a name; '' for nobody."""
    if user is None:
        return ""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()


def full_name_of(last_name: str, first_name: str, username: str = "") -> str:
    """`full_name` from a row's values (values_list queries)."""
    return f"{last_name or ''} {first_name or ''}".strip() or username


def split_full_name(name: str) -> tuple[str, str]:
    """'Lò Văn Thành' → ('Lò', 'Văn Thành'): (last_name, first_name) for an account."""
    last, _sp, first = name.strip().partition(" ")
    return last, first

"""Visit drafts kept on a phone: the tag that ties a draft to its account.

A page names the signed-in account to the browser's draft store by this tag, never
by the account's id, username or anything else about the person: someone reading
the phone's storage learns only that drafts belong to one account or another
(``docs/offline-visits.md``).
"""

from __future__ import annotations

import hashlib
import hmac

#: Separates this use of the secret key from every other one.
_PURPOSE = b"juragan visit-draft owner\x00"


def owner_tag(secret_key: str, user_id: int) -> str:
    """An opaque tag for ``user_id``: the same for the account on every page and
    in every session, and nothing to anyone without the secret key.

    A new ``SECRET_KEY`` gives every account a new tag, so that drafts left
    unsent under the old one are deleted at the next page load.
    """
    message = _PURPOSE + str(user_id).encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]

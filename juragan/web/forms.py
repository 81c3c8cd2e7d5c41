"""Form pieces shared by several blueprints."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import flask
import flask_babel
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import (
    DecimalField,
    FieldList,
    FileField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    ValidationError,
)
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import DataRequired, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget, Select, TextInput, html_params

from juragan.errors import DomainError
from juragan.extensions import db
from juragan.i18n.labels import MONTH_NAMES
from juragan.models import Province, Regency


class _BabelTranslations:
    """WTForms' own messages, translated from juragan's catalogues.

    WTForms ships no Indonesian catalogue; its messages are listed in
    :mod:`juragan.i18n.wtforms_messages` so that extraction picks them up.
    """

    def gettext(self, string: str) -> str:
        return flask_babel.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # WTForms fills in its own placeholders (%(min)d, %(max)d) afterwards;
        # flask_babel.ngettext would try to, with only ``num``, and fail.
        return flask_babel.get_translations().ngettext(singular, plural, n)


# Characters no text field accepts: NUL cannot be stored in PostgreSQL and the
# other C0 controls (tab and line breaks aside) only ever come from pasted junk.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(form: Any, field: Any) -> None:
    for value in field.raw_data or ():
        if isinstance(value, str) and _CONTROL_CHARACTERS.search(value):
            raise ValidationError(_l("This contains characters that cannot be saved."))


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class _JuraganMeta:
    """Shared by every form: messages in the reader's language and input hygiene.

    A choice of only spaces would pass ``Optional()`` (which treats it as empty
    and drops the "not a valid choice" error) and still reach a query, so choices
    are stripped; control characters are refused in every field.
    """

    def get_translations(self, form: Any) -> _BabelTranslations:
        return _BabelTranslations()

    def bind_field(self, form: Any, unbound_field: Any, options: dict) -> Any:
        if issubclass(unbound_field.field_class, SelectFieldBase):
            filters = unbound_field.kwargs.get("filters", ())
            options = {**options, "filters": (_strip, *filters)}
        field = unbound_field.bind(form=form, **options)
        if not issubclass(unbound_field.field_class, (FormField, FieldList, FileField)):
            field.validators = [*field.validators, _no_control_characters]
        return field


class BaseForm(FlaskForm):
    """Every juragan form: CSRF from Flask-WTF, messages in the reader's language."""

    class Meta(_JuraganMeta):
        pass


def username_field(label: Any, **render_kw: str) -> StringField:
    """A username as accounts may have it: 3 to 64 letters, digits, dots, dashes
    or underscores."""
    return StringField(
        label,
        validators=[
            DataRequired(message=_l("Enter a username.")),
            Length(min=3, max=64, message=_l("Use 3 to 64 characters.")),
            Regexp(
                r"^[A-Za-z0-9._-]+$",
                message=_l("Use letters, digits, dots, dashes or underscores only."),
            ),
        ],
        render_kw=render_kw,
    )


def choices(pairs: Iterable[tuple[str, Any]], blank: Any = None) -> list[SelectChoice]:
    """``SelectChoice`` options from (value, label) pairs, after an optional blank."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


def province_choices(blank: Any = None) -> list[SelectChoice]:
    provinces = db.session.scalars(select(Province).order_by(Province.name))
    return choices(((p.code, p.name) for p in provinces), blank)


def regency_choices(blank: Any = None) -> list[SelectChoice]:
    """All regencies; each option carries its province so the page can filter them."""
    rows = db.session.scalars(
        select(Regency).order_by(Regency.province_code, Regency.name)
    )
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [
        SelectChoice(r.code, r.name, {"data-province": r.province_code}) for r in rows
    ]


class QuickSelect(Select):
    """Renders a long list of options in one pass (WTForms' own widget spends tens
    of microseconds per option: a regency or country list cost a page 50 ms)."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        if field.flags.required and "required" not in kwargs:
            kwargs["required"] = True
        chosen = "" if field.data is None else str(field.data)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        for choice in field.choices:
            if isinstance(choice, SelectChoice):
                value, label, attributes = choice.value, choice.label, choice.render_kw
            else:
                value, label, attributes = choice[0], choice[1], None
            value = str(value)
            extra = f" {html_params(**attributes)}" if attributes else ""
            selected = " selected" if value == chosen else ""
            shown = escape(label if label is not None else value)
            html.append(
                f'<option value="{escape(value)}"{extra}{selected}>{shown}</option>'
            )
        html.append("</select>")
        return Markup("".join(html))  # noqa: S704 - every value and label is escaped


class RegionSelectField(SelectField):
    """A select whose empty choice means "none" (stored as ``None``)."""

    widget = QuickSelect()

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if self.data == "":
            self.data = None

    def pre_validate(self, form: Form) -> None:
        if self.data is None:
            return
        super().pre_validate(form)


class VersionedForm(BaseForm):
    """A form that changes a :class:`juragan.models.base.Versioned` record: it carries
    the version it was shown, so that a change made meanwhile is not overwritten."""

    version = HiddenField()


CONFLICT_MESSAGE = _l(
    "Someone else changed this record after you opened the form; their change is "
    "saved. Your entries are below: check them against the record and save again."
)


def is_stale(form: Any, obj: Any) -> bool:
    """Whether ``form`` was filled in against an older version of ``obj`` (a form
    without its version counts as stale: it cannot show it is not)."""
    return str(form.version.data or "") != str(obj.version)


def show_conflict(form: Any, obj: Any) -> None:
    """Tell the person, keep what they typed, and let a new save replace the newer
    version knowingly."""
    form.form_errors.append(str(CONFLICT_MESSAGE))
    form.version.data = obj.version


def attach_error(form: Any, error: DomainError) -> None:
    """Show a service's error(s) beside their fields (or above the form)."""
    for name, message in error.errors:
        field = _field_at(form, name) if name else None
        if field is not None:
            field.errors = [*field.errors, str(message)]
        else:
            form.form_errors.append(str(message))


def flash_errors(source: DomainError | FlaskForm) -> None:
    """Flash every message of a service's error, or of a form that did not validate,
    for pages that answer a small POST form with a redirect."""
    if isinstance(source, DomainError):
        messages = [message for _name, message in source.errors]
    else:
        messages = [message for errors in source.errors.values() for message in errors]
    for message in messages:
        flask.flash(str(message), "danger")


def _field_at(form: Any, name: str) -> Any:
    """The field a service names: ``nik``, or ``items-2-amount_idr`` in a FieldList."""
    field = getattr(form, name, None)
    if field is not None or "-" not in name:
        return field
    list_name, index, sub_name = name.split("-", 2)
    entries = getattr(getattr(form, list_name, None), "entries", None)
    if entries is None or not index.isdigit() or int(index) >= len(entries):
        return None
    return getattr(entries[int(index)].form, sub_name, None)


class SubForm(Form):
    """A row inside a ``FieldList`` (no CSRF of its own), in the reader's language."""

    class Meta(_JuraganMeta):
        pass


BLANK_PROVINCE = _l("— choose a province —")
BLANK_REGENCY = _l("— choose a regency or city —")


class RupiahField(IntegerField):
    """Whole rupiah, typed the way people write it: ``1.500.000``, ``Rp1.500.000``
    (as the app writes it) or ``Rp 1.500.000``."""

    # A text box: a number input would refuse the thousands dots people type.
    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:,}".replace(",", ".") if self.data is not None else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().removeprefix("Rp").removeprefix("rp").strip()
        text = text.replace(".", "").replace(" ", "")
        if text.endswith(",00"):
            text = text[:-3]
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError(
                flask_babel.gettext("Write an amount in rupiah, like 1.500.000.")
            ) from None


class LocalDecimalField(DecimalField):
    """A number with decimals, written with a decimal comma (``1,75``, as
    Indonesian readers write it) or a point, and shown in the reader's way
    (``6,00`` on an Indonesian page, ``6.00`` on an English one). ``places``
    decimals are kept, rounded half up as the column keeps them."""

    # A text box: a number input shows nothing for the "1,50" Indonesian readers
    # write, and refuses the comma they type.
    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        pattern = "0." + "0" * self.places if self.places else "0"
        return flask_babel.format_decimal(self.data, pattern)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            value = Decimal(valuelist[0].strip().replace(",", "."))
            if not value.is_finite():
                raise InvalidOperation
            self.data = value.quantize(
                Decimal(1).scaleb(-(self.places or 0)), ROUND_HALF_UP
            )
        except InvalidOperation:  # not a number, NaN, infinity, or far too long
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value.")) from None


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (easier on a phone than a list box)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def month_choices() -> list[tuple[str, Any]]:
    """The calendar months as choices: ``("1", "January")`` to ``("12", ...)``."""
    return [(str(n), name) for n, name in enumerate(MONTH_NAMES, 1)]


def labelled(labels: dict[str, Any], blank: Any = None) -> list[SelectChoice]:
    """Options from a code → label mapping (``juragan.i18n.labels``)."""
    return choices(labels.items(), blank)


class EmptyForm(BaseForm):
    """CSRF-only form for POST buttons (sign out, deactivate)."""

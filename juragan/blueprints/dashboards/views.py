from datetime import date

from flask import abort, current_app, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.validators import ValidationError

from juragan import clock
from juragan.blueprints.dashboards import bp
from juragan.dashboards import figures as programme
from juragan.dashboards.charts import (
    CHARTS,
    DEFAULT_MAP_FIGURE,
    MAP_FIGURES,
    PAGES,
    Context,
    quarter_label,
    region_names,
)
from juragan.dashboards.figures import Filters
from juragan.domain.codes import BusinessLine, Scheme
from juragan.domain.regions import countries, country_name
from juragan.extensions import db
from juragan.i18n.labels import (
    BUSINESS_LINE_LABELS,
    LENDER_LABELS,
    SEX_LABELS,
    code_label,
)
from juragan.models.dashboard import COHORT_MONTHS
from juragan.policy import Action, may_see_individuals
from juragan.spreadsheets import MIMETYPES, frame_bytes
from juragan.web.access import requires
from juragan.web.forms import (
    BaseForm,
    RegionSelectField,
    choices,
    labelled,
    province_choices,
    regency_choices,
)

#: How far back the return-period filter reaches.
QUARTER_YEARS = 20


def quarter_choices(today: date, blank) -> list:
    current = today.year * 10 + (today.month + 2) // 3
    keys = [
        year * 10 + q
        for year in range(today.year - QUARTER_YEARS, today.year + 1)
        for q in range(1, 5)
        if year * 10 + q <= current
    ]
    return choices(((str(k), quarter_label(k)) for k in reversed(keys)), blank)


class FilterForm(BaseForm):
    """The dashboard's filters; they live in the URL so a view can be shared."""

    class Meta:
        csrf = False

    province = RegionSelectField(_l("Province"))
    regency = RegionSelectField(
        _l("Regency or city"), render_kw={"data-follows": "province"}
    )
    returned_from = RegionSelectField(_l("Returned from"))
    returned_to = RegionSelectField(_l("Returned until"))
    sex = RegionSelectField(_l("Sex"))
    country = RegionSelectField(_l("Destination"))
    sector = RegionSelectField(_l("Line of business"))
    scheme = RegionSelectField(_l("KUR scheme"))
    lender = RegionSelectField(_l("Bank"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = _l("All")
        self.province.choices = province_choices(everyone)
        self.regency.choices = regency_choices(everyone)
        quarters = quarter_choices(clock.today(), everyone)
        self.returned_from.choices = quarters
        self.returned_to.choices = quarters
        self.sex.choices = labelled(SEX_LABELS, everyone)
        locale = str(g.get("locale") or "id")
        self.country.choices = choices(
            ((c.code, c.name) for c in countries(locale) if c.code != "ID"), everyone
        )
        self.sector.choices = choices(BusinessLine.choices(), everyone)
        self.scheme.choices = choices(Scheme.choices(), everyone)
        self.lender.choices = labelled(LENDER_LABELS, everyone)

    def validate_regency(self, field):
        if field.data and self.province.data and field.data[:2] != self.province.data:
            raise ValidationError(_l("This regency is not in the chosen province."))

    def validate_returned_to(self, field):
        start = self.returned_from.data
        if not (field.data and start and field.data.isdigit() and start.isdigit()):
            return  # an unknown quarter is refused by the choices already
        if int(field.data) < int(start):
            raise ValidationError(_l("The end of the period is before its start."))


def _filters(form: FilterForm) -> Filters:
    """The filters that passed validation (a bad one is shown and left out)."""
    form.validate()

    def ok(field):
        return None if field.errors else field.data

    quarter = lambda field: int(ok(field)) if ok(field) else None  # noqa: E731
    return Filters(
        province_code=ok(form.province),
        regency_code=ok(form.regency),
        returned_from=quarter(form.returned_from),
        returned_to=quarter(form.returned_to),
        sex=ok(form.sex),
        country_code=ok(form.country),
        sector=ok(form.sector),
        scheme=ok(form.scheme),
        lender=ok(form.lender),
    )


def _map_figure() -> str:
    """The figure the map is coloured by (``?map=``; an unknown one is the default)."""
    chosen = request.args.get("map", DEFAULT_MAP_FIGURE)
    return chosen if chosen in MAP_FIGURES else DEFAULT_MAP_FIGURE


def _map_args(map_figure: str) -> dict[str, str]:
    return {} if map_figure == DEFAULT_MAP_FIGURE else {"map": map_figure}


def _linker(filters: Filters, endpoint: str, individuals: bool, map_figure: str):
    """Where a click on a chart goes: a province drills into its regencies, a
    regency into its own figures on the same page (both keep the map's figure), a
    bar to the people behind it (for those who may see people)."""
    args = filters.as_args()
    drill = args | _map_args(map_figure)

    def link(dimension: str, value: str) -> str | None:
        if dimension == "province":
            return url_for(".programme_dashboard", **(drill | {"province": value}))
        if dimension == "regency":
            return url_for(
                endpoint, **(drill | {"province": value[:2], "regency": value})
            )
        if not individuals:
            return None
        return url_for(".returnees_behind", **(args | {dimension: value}))

    return link


def _context(endpoint: str = ".programme_dashboard") -> tuple[FilterForm, Context]:
    form = FilterForm(request.args)
    filters = _filters(form)
    individuals = may_see_individuals(current_user)
    map_figure = _map_figure()
    context = Context(
        db.session,
        current_user,
        filters,
        clock.today(),
        _linker(filters, endpoint, individuals, map_figure),
        protected=programme.protection(current_user),
        map_figure=map_figure,
    )
    return form, context


def _hiding(context: Context) -> tuple[bool, bool]:
    """Whether the reader's figures of people, and of loans, come perturbed."""
    return context.protected.people, context.protected.loans


def _page(page: str, template: str, **extra):
    form, context = _context(f".{request.endpoint.split('.')[-1]}")
    charts = [CHARTS[name](context) for name in PAGES[page]]
    g.has_charts = True
    return render_template(
        template,
        form=form,
        page=page,
        charts=charts,
        hiding=_hiding(context),
        args=context.filters.as_args(),
        **extra,
    )


@bp.route("/")
@requires(Action.VIEW_DASHBOARD)
def programme_dashboard():
    form, context = _context()
    figures = programme.headline(
        context.session, context.user, context.filters, context.today
    )
    charts = [CHARTS[name](context) for name in PAGES["overview"]]
    g.has_charts = True
    return render_template(
        "dashboards/programme.html",
        form=form,
        page="overview",
        figures=figures,
        charts=charts,
        hiding=_hiding(context),
        args=context.filters.as_args(),
        map_args=_map_args(context.map_figure),
    )


@bp.route("/cohorts")
@requires(Action.VIEW_DASHBOARD)
def cohorts_dashboard():
    return _page("cohorts", "dashboards/charts.html", months=COHORT_MONTHS)


@bp.route("/repayment")
@requires(Action.VIEW_DASHBOARD)
def repayment_dashboard():
    return _page("repayment", "dashboards/charts.html")


@bp.route("/data/<name>.<kind>")
@requires(Action.VIEW_DASHBOARD)
def download(name: str, kind: str):
    if name not in CHARTS or kind not in ("csv", "xlsx"):
        abort(404)
    _form, context = _context()
    body = frame_bytes(CHARTS[name](context).frame, kind)
    return current_app.response_class(
        body,
        mimetype=MIMETYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )


@bp.route("/returnees")
@requires(Action.VIEW_PEOPLE_BEHIND_FIGURES)
def returnees_behind():
    form, context = _context()
    stage = request.args.get("stage")
    if stage not in (*programme.STAGES, "lasting"):
        stage = None
    sector = request.args.get("business_sector")
    if sector not in BUSINESS_LINE_LABELS:
        sector = None
    page = programme.returnees_behind(
        db.session,
        context.user,
        context.filters,
        context.today,
        stage=stage,
        business_sector=sector,
        after=request.args.get("after", type=int),
        size=current_app.config["PAGE_SIZE"],
    )
    args = context.filters.as_args()
    if stage:
        args["stage"] = stage
    if sector:
        args["business_sector"] = sector
    locale = str(g.get("locale") or "id")
    described = _describe(context.filters, stage, sector, locale)
    return render_template(
        "dashboards/returnees.html",
        form=form,
        page=page,
        args=args,
        described=described,
        back=context.filters.as_args(),
    )


def _describe(filters: Filters, stage, sector, locale) -> list[str]:
    """The filters in words, for the list's heading."""
    words = []
    if stage:
        words.append(code_label("funnel", stage))
    if sector:
        words.append(code_label("business_line", sector))
    if filters.country_code:
        words.append(country_name(filters.country_code, locale))
    labelled_codes = (
        ("business_line", filters.sector),
        ("scheme", filters.scheme),
        ("lender", filters.lender),
    )
    words += [code_label(kind, code) for kind, code in labelled_codes if code]
    if filters.sex:
        words.append(str(SEX_LABELS[filters.sex]))
    names = region_names()
    words += [
        names[code]
        for code in (filters.province_code, filters.regency_code)
        if code in names
    ]
    for start, end in ((filters.returned_from, filters.returned_to),):
        if start or end:
            words.append(
                " – ".join(quarter_label(q) if q else "…" for q in (start, end))
            )
    return words

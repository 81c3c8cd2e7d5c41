from flask import abort, render_template
from sqlalchemy import func, select

from juragan.blueprints.reference import bp
from juragan.extensions import db
from juragan.models import Province, Regency
from juragan.policy import Action
from juragan.web.access import requires


@bp.route("/regions")
@requires(Action.VIEW_REFERENCE)
def list_provinces():
    rows = db.session.execute(
        select(Province.code, Province.name, func.count(Regency.code))
        .join(Regency, Regency.province_code == Province.code)
        .group_by(Province.code, Province.name)
        .order_by(Province.code)
    ).all()
    return render_template("reference/provinces.html", rows=rows)


@bp.route("/regions/<province_code>")
@requires(Action.VIEW_REFERENCE)
def view_province(province_code: str):
    province = db.session.get(Province, province_code)
    if province is None:
        abort(404)
    return render_template("reference/province.html", province=province)

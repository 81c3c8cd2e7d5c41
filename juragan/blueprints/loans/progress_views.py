"""Where an application stands, for the loan page's progress partial: a thin
template helper over :mod:`juragan.loan_progress`."""

from juragan import clock, loan_progress
from juragan.blueprints.loans import bp
from juragan.models import LoanApplication


@bp.app_template_global("loan_progress")
def loan_progress_global(loan: LoanApplication) -> loan_progress.Progress:
    """The progress of ``loan`` today, where its applicant lives."""
    return loan_progress.progress_of(loan, clock.date_in(loan.returnee.province_code))

import pytest

from mikrolaan.core.demo import DemoContext
from mikrolaan.loans.fund import fund_on
from mikrolaan.loans.models import Loan, LoanStatus

pytestmark = pytest.mark.django_db


def test_the_demo_portfolio_looks_real():
    import mikrolaan.accounts.demo
    import mikrolaan.loans.demo

    ctx = DemoContext()
    mikrolaan.accounts.demo.populate(ctx)
    mikrolaan.loans.demo.populate(ctx)
    statuses = set(Loan.objects.values_list("status", flat=True))
    assert {
        LoanStatus.ACTIVE,
        LoanStatus.REPAID,
        LoanStatus.IN_COLLECTION,
        LoanStatus.WRITTEN_OFF,
    } <= statuses
    fund = fund_on(ctx.today)
    assert fund.repaid > 0 and fund.loans_in_arrears > 0 and fund.written_off > 0

from payments.providers import Card

SUCCESS = "4242424242424242"
DECLINED = "4000000000000002"
NO_FUNDS = "4000000000009995"
BANK_STEP = "4000002500003155"


def card(number: str = SUCCESS) -> Card:
    return Card(number=number, exp_month=12, exp_year=2040, cvc="123")

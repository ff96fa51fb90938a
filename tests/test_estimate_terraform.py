"""`manage.py estimate_terraform`: the estimate of a plan for CI, and its budget guardrail."""

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from estimates.importers import terraform
from estimates.models import Estimate

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "terraform"
PLAN = str(DATA / "baseline.plan.json")
USAGE = str(DATA / "baseline.usage.json")
BOOK = "AWS list prices, US East (N. Virginia), 2026-11"


def run(*args: str, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("estimate_terraform", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as error:
        run(*args)
    return error.value


class TestTable:
    def test_each_card_its_lines_and_the_totals(self, price_book):
        out, err = run(PLAN)

        lines = out.splitlines()
        assert lines[:3] == [
            "Terraform plan baseline.plan.json",
            f"Priced with {BOOK} (2026-11-01), free tier on, USD a month",
            "",
        ]
        assert (
            re.sub(r" {2,}", " | ", lines[3])
            == "AWS Certificate Manager (ACM) · us-east-1 | $164.00"
        )
        assert "Amazon Inspector · us-east-1 × 2 accounts" in out
        assert re.search(r"\n  Customer managed keys: 3 × \$1\.00 = \$3\.00 +\$3\.00\n", out)
        assert re.search(r"\nMonthly total +\$3,668\.60\n", out)
        assert re.search(r"\nUpfront total +\$0\.00\n", out)
        assert re.search(r"\nFirst 12 months +\$44,023\.20\n", out)
        assert err == ""

    def test_money_is_right_aligned_in_one_column(self, price_book):
        out, _ = run(PLAN)

        ends = {len(line) for line in out.splitlines() if re.search(r"\$[\d,]+\.\d\d$", line)}
        assert len(ends) == 1

    def test_then_what_needs_usage_and_what_is_not_priced(self, price_book):
        out, _ = run(PLAN)

        assert "\nNeeds usage (19): not in the plan, priced as 0\n" in out
        assert re.search(
            r"\n  aws_kms_key\.app\[0\] +symmetric_requests +Symmetric KMS requests a month", out
        )
        assert "\nNot priced (16)\n" in out
        assert re.search(
            r"\n  aws_securityhub_account\.main +not in the current price book "
            rf"\({re.escape(BOOK)}\)\n",
            out,
        )
        assert "\nWarnings (4)\n" in out

    def test_a_usage_file_fills_in_the_usage(self, price_book):
        out, _ = run(PLAN, "--usage", USAGE)

        assert re.search(r"\nMonthly total +\$3,882\.69\n", out)
        assert re.search(r"\nFirst 12 months +\$46,592\.28\n", out)
        assert "Symmetric requests: (2,500,000 − 20,000 free) ÷ 10,000 × $0.03 = $7.44" in out
        assert "\nNeeds usage (13)" in out

    def test_the_plan_may_come_on_standard_input(self, price_book, monkeypatch):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(Path(PLAN).read_bytes())))

        out, _ = run("-")

        assert out.startswith("Terraform plan stdin\n")
        assert re.search(r"\nMonthly total +\$3,668\.60\n", out)


class TestJsonAndCsv:
    def test_json_is_the_apis_answer(self, client, price_book):
        out, _ = run(PLAN, "--usage", USAGE, "--format", "json")

        body = {
            "plan": json.loads(Path(PLAN).read_bytes()),
            "usage": json.loads(Path(USAGE).read_bytes()),
        }
        api = client.post(
            "/api/v1/import/terraform", json.dumps(body), content_type="application/json"
        )
        assert json.loads(out) == api.json()
        assert json.loads(out)["quote"]["monthly_total"] == "3882.69"

    def test_csv_is_the_exports_layout_with_the_plans_counts(self, price_book):
        out, _ = run(PLAN, "--format", "csv")

        rows = list(csv.reader(io.StringIO(out)))
        summary = dict(rows[: rows.index([])])
        assert summary["name"] == "Terraform plan baseline.plan.json"
        assert summary["plan"] == "baseline.plan.json"
        assert (summary["needs_usage"], summary["unpriced"]) == ("19", "16")
        assert (summary["monthly"], summary["first_12_months"]) == ("3668.60", "44023.20")
        assert summary["price_book"] == BOOK
        header = rows[rows.index([]) + 1]
        lines = [dict(zip(header, row, strict=True)) for row in rows[rows.index([]) + 2 :]]
        assert len(lines) == 12
        assert sum(int(line["monthly"].replace(".", "")) for line in lines) == 366860


class TestBudget:
    def test_within_the_budget_is_said_on_stderr(self, price_book):
        out, err = run(PLAN, "--max-monthly", "5000")

        assert re.search(r"\nMonthly total +\$3,668\.60\n", out)
        assert err == "Monthly total $3,668.60 is within the budget of $5,000.00\n"

    def test_a_total_equal_to_the_budget_is_within_it(self, price_book):
        _, err = run(PLAN, "--max-monthly", "3668.60")

        assert err == "Monthly total $3,668.60 is within the budget of $3,668.60\n"

    def test_over_the_budget_exits_1_with_one_clear_line(self, price_book):
        out, err = io.StringIO(), io.StringIO()

        with pytest.raises(SystemExit) as exit:
            call_command("estimate_terraform", PLAN, "--max-monthly", "500", stdout=out, stderr=err)

        assert exit.value.code == 1
        assert re.search(r"\nMonthly total +\$3,668\.60\n", out.getvalue())
        assert err.getvalue() == "Monthly total $3,668.60 exceeds the budget of $500.00\n"

    @pytest.mark.parametrize("amount", ["five hundred", "-1", "NaN", "Infinity"])
    def test_a_budget_that_is_not_an_amount_is_refused(self, price_book, amount):
        error = refused(PLAN, "--max-monthly", amount)

        assert "argument --max-monthly" in str(error)
        assert "is not an amount of dollars, such as 500" in str(error)


class TestSave:
    def test_save_prints_the_link_of_the_saved_estimate(self, price_book):
        out, _ = run(PLAN, "--usage", USAGE, "--save")

        estimate = Estimate.objects.get()
        assert out.endswith(f"\nSaved: {estimate.get_absolute_url()}\n")
        assert estimate.name == "Terraform plan baseline.plan.json"
        assert estimate.price_book == price_book
        assert f"{estimate.monthly_total:.2f}" == "3882.69"
        assert [item.service for item in estimate.items.all()][:2] == ["acm", "firewall_manager"]

    def test_save_under_a_name_keeps_the_json_on_stdout_clean(self, price_book):
        out, err = run(PLAN, "--save", "--name", "Nightly plan", "--format", "json")

        estimate = Estimate.objects.get()
        assert estimate.name == "Nightly plan"
        assert json.loads(out)["quote"]["monthly_total"] == "3668.60"
        assert err == f"Saved: {estimate.get_absolute_url()}\n"

    def test_nothing_is_saved_without_save(self, price_book):
        run(PLAN)

        assert Estimate.objects.count() == 0


class TestBadInput:
    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("not-a-plan.json", "not-a-plan.json: Not a Terraform plan: it has no format_version."),
            ("version-2.plan.json", "version-2.plan.json: Format version 2.0 is not supported"),
            ("state.json", "state.json: Not a Terraform plan: it has no planned_values"),
            ("missing.json", "missing.json: cannot read the plan: No such file or directory."),
        ],
    )
    def test_a_file_that_is_not_a_plan_says_why(self, price_book, name, message):
        error = refused(str(DATA / name))

        assert error.returncode == 2
        assert str(error).startswith(str(DATA / message.split(":")[0]) + ":")
        assert message.split(": ", 1)[1] in str(error)

    def test_text_that_is_not_json(self, price_book, tmp_path):
        plan = tmp_path / "plan.txt"
        plan.write_text("Plan: 3 to add, 0 to change, 0 to destroy.")

        error = refused(str(plan))

        assert str(error) == f"{plan}: The plan is not JSON (line 1, column 1: Expecting value)."

    def test_a_plan_over_20_mb_is_not_read(self, price_book, tmp_path):
        plan = tmp_path / "huge.json"
        with plan.open("wb") as file:
            file.truncate(terraform.MAX_PLAN_BYTES + 1)

        error = refused(str(plan))

        assert str(error) == f"{plan}: The plan is 20,971,521 bytes; costcalc reads at most 20 MB."

    def test_a_usage_file_that_cannot_be_used_names_the_usage_file(self, price_book, tmp_path):
        usage = tmp_path / "usage.yml"
        usage.write_text("resource_usage:\n  aws_kms_key:\n    key_rotations: 7\n")

        error = refused(PLAN, "--usage", str(usage))

        assert error.returncode == 2
        assert str(error).startswith(
            f"{usage}: The usage file gives values the price book does not take: "
        )

    def test_no_published_book(self, price_book, monkeypatch):
        from estimates.models import PriceBook

        monkeypatch.setattr(PriceBook.objects, "current", lambda: None)

        assert "No price book is published yet" in str(refused(PLAN))


# ---------------------------------------------------------------------------------------------
# The exit status a pipeline sees, from a process of its own


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A migrated SQLite database for manage.py runs: the migrations seed every book, and the
    2027-01 book's revision 2 is current (it prices Network Firewall in us-west-2 and Secrets
    Manager in eu-west-1 too: 2 × $0.395 × 730 = $576.70 and $0.40, research D)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('ci') / 'costcalc.sqlite3'}"
    result = manage("migrate", "--noinput", database=url)
    assert result.returncode == 0, result.stderr
    return url


def manage(*args: str, database: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DEBUG": "1",
        "DATABASE_URL": database,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=120,
    )


class TestExitStatus:
    def test_0_without_a_budget(self, database):
        result = manage("estimate_terraform", PLAN, database=database)

        assert result.returncode == 0, result.stderr
        assert re.search(r"\nMonthly total +\$4,275\.70\n", result.stdout)
        assert result.stderr == ""

    def test_0_within_the_budget(self, database):
        result = manage(
            "estimate_terraform", PLAN, "--usage", USAGE, "--max-monthly", "5000", database=database
        )

        assert result.returncode == 0, result.stderr
        assert result.stderr == "Monthly total $4,559.94 is within the budget of $5,000.00\n"

    def test_1_over_the_budget(self, database):
        result = manage(
            "estimate_terraform", PLAN, "--usage", USAGE, "--max-monthly", "500", database=database
        )

        assert result.returncode == 1
        assert re.search(r"\nMonthly total +\$4,559\.94\n", result.stdout)
        assert result.stderr == "Monthly total $4,559.94 exceeds the budget of $500.00\n"

    def test_2_when_the_plan_cannot_be_read(self, database):
        result = manage("estimate_terraform", str(DATA / "version-2.plan.json"), database=database)

        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr == (
            f"CommandError: {DATA / 'version-2.plan.json'}: Format version 2.0 is not supported; "
            "costcalc reads 1.x.\n"
        )

import pytest
from conftest import ROOT
from jdpromo.errors import ParameterError, ShopIdError
from jdpromo.params import check_shop_id, load_shop_params, validate_run


@pytest.mark.parametrize("shop", ["demo", "shop_01", "A-b_9"])
def test_good_shop_ids(shop):
    assert check_shop_id(shop) == shop


@pytest.mark.parametrize(
    "shop", ["../x", "..", ".", "/etc", "a/b", "a b", "", "店铺", "x" * 65, "a\\b"]
)
def test_shop_ids_that_could_escape_are_refused(shop):
    with pytest.raises(ShopIdError, match="not allowed"):
        check_shop_id(shop)


def test_run_params_reject_unknown_and_ill_typed():
    with pytest.raises(ParameterError, match="unknown parameter"):
        validate_run(shop="demo", period="2026-10", colour="red")
    with pytest.raises(ParameterError, match="lang"):
        validate_run(shop="demo", period="2026-10", lang="fr")
    with pytest.raises(ParameterError, match="unknown notebook"):
        validate_run(shop="demo", period="2026-10", notebooks=("nope",))
    with pytest.raises(ParameterError, match="not allowed"):
        validate_run(shop="../etc", period="2026-10")


def test_parameter_errors_read_as_one_plain_line():
    with pytest.raises(ParameterError) as err:
        validate_run(shop="a b", period="2026-10", lang="fr", colour="red")
    assert str(err.value) == (
        "parameters: shop: shop id 'a b' is not allowed: use 1-64 letters, digits, '-' or '_' "
        "(no slashes, dots or spaces), e.g. 'demo' or 'shop_01'; lang: should be 'zh' or 'en'; "
        "colour: unknown parameter"
    )
    with pytest.raises(ParameterError) as err:
        validate_run(shop="demo", period="2026-10", notebooks=("nope",))
    assert "Value error" not in str(err.value) and "pydantic" not in str(err.value)


def test_shop_params_defaults_without_a_file(tmp_path):
    (tmp_path / "params").mkdir()
    p = load_shop_params("newshop", root=tmp_path)
    assert p.attribution_days == 15 and p.attribution_basis == "click"
    # 保本ROI = 1 / (gross margin − commission − refund loss) = 1 / (0.35 − 0.05 − 0.03)
    assert p.breakeven_roi == pytest.approx(1 / 0.27)


def test_shop_params_file_errors_name_the_parameter(tmp_path):
    (tmp_path / "params").mkdir()
    bad = tmp_path / "params" / "x.yaml"
    bad.write_text(
        "attribution_days: 5\ngross_margin: 0.1\ncommission_rate: 0.08\n", encoding="utf-8"
    )
    with pytest.raises(ParameterError, match="attribution_days"):
        load_shop_params("x", root=tmp_path)
    bad.write_text(
        "gross_margin: 0.1\ncommission_rate: 0.08\nrefund_rate: 0.05\n", encoding="utf-8"
    )
    with pytest.raises(ParameterError, match="must be above 0"):
        load_shop_params("x", root=tmp_path)
    bad.write_text("bogus: 1\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="bogus: unknown parameter"):
        load_shop_params("x", root=tmp_path)
    bad.write_text("a: [\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="not valid YAML"):
        load_shop_params("x", root=tmp_path)
    with pytest.raises(ParameterError, match="does not exist"):
        load_shop_params("x", params_file=tmp_path / "missing.yaml", root=tmp_path)


def test_demo_params_validate():
    p = load_shop_params("demo", root=ROOT)
    assert p.examples is True
    assert p.promotions


def test_one_target_roi_and_where_it_comes_from():
    from jdpromo.params import ShopParams

    assert ShopParams(targets={"roi": 4.0}).roi_target == (4.0, "targets.roi")
    assert ShopParams(target_roi=4.5).roi_target == (4.5, "target_roi")
    assert ShopParams(targets={"roi": 4.0}, target_roi=4.0).roi_target == (4.0, "targets.roi")
    value, source = ShopParams().roi_target
    assert source == "breakeven" and value == pytest.approx(1 / 0.27)
    with pytest.raises(ValueError, match="one target ROI"):
        ShopParams(targets={"roi": 4.0}, target_roi=4.5)

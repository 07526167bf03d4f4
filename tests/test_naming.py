"""Suffixes and names (docs/revisions.md), pinned like kustomize's hasher_test.go (DPF's digests: test_gojson.py).

The pinned values were worked out from the algorithm with hashlib alone, outside this package: sha256 of the
key, its first 16 hex digits as an integer n, five digits of n in base 27 (least significant first) mapped
onto `bcdfghjklmnpqrstvwxz2456789`. For "a": n = 0xca978112ca1bbdca = 14598278634844962250, base-27 digits
16, 5, 20, 9, 0 → v, h, 2, m, b.
"""

from __future__ import annotations

import pytest

from kustomize_plugin import naming


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("a", "vh2mb"),
        ("dpf/producer-consumer/producer", "9fwgn"),
        ("ns/D/s/abc1234567", "hbc97"),
    ],
    ids=["single-letter", "service-key", "versioned-interface-key"],
)
def test_suffix_is_pinned(key: str, expected: str) -> None:
    assert naming.suffix(key) == expected


def test_suffix_alphabet_and_length() -> None:
    for i in range(500):
        s = naming.suffix(f"key-{i}")
        assert len(s) == 5
        assert set(s) <= set(naming.SUFFIX_ALPHABET)


def test_names_follow_the_table() -> None:
    assert naming.dpuset_name("dep", "rack-a") == "dep-rack-a"
    assert naming.dpuservice_name("ns", "D", "s", "0123456789", disruptive=False) == "s-" + naming.suffix(
        "ns/D/s"
    )
    assert naming.dpuservice_name("ns", "D", "s", "0123456789", disruptive=True) == "s-" + naming.suffix(
        "ns/D/s/0123456789"
    )
    assert naming.interface_name("ns", "D", "s", "app_iface", "0123456789", disruptive=False) == (
        "s-app-iface-" + naming.suffix("ns/D/s/app_iface")
    )
    assert naming.chain_name("ns", "D", "abc") == "D-" + naming.suffix("ns/D/abc")
    assert naming.chain_name("ns", "D", "") == "D-" + naming.suffix("ns/D")
    assert naming.service_id("D", "s", "0123456789") == "D_s_0123456789"
    assert naming.owner_value("ns", "D") == "ns_D"


def test_non_disruptive_name_ignores_the_digest() -> None:
    a = naming.dpuservice_name("ns", "D", "s", "aaaaaaaaaa", disruptive=False)
    b = naming.dpuservice_name("ns", "D", "s", "bbbbbbbbbb", disruptive=False)
    c = naming.dpuservice_name("ns", "D", "s", "bbbbbbbbbb", disruptive=True)
    assert a == b != c


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("a" * 63, True),
        ("a" * 64, False),
        ("producer-2825n", True),
        ("Upper", False),
        ("under_score", False),
        ("-lead", False),
        ("trail-", False),
    ],
    ids=["63-chars", "64-chars", "generated", "upper-case", "underscore", "leading-dash", "trailing-dash"],
)
def test_name_problem(name: str, ok: bool) -> None:
    assert (naming.name_problem(name) is None) == ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("ns_dep", True), ("a" * 63, True), ("a" * 64, False), ("x/y", False), ("", True), ("_a", False)],
    ids=["owner-value", "63-chars", "64-chars", "slash", "empty", "leading-underscore"],
)
def test_label_value_problem(value: str, ok: bool) -> None:
    assert (naming.label_value_problem(value) is None) == ok


def test_longest_names_fit() -> None:
    """DPF's maximum lengths (deployment 20, service 28, interface 15, nameSuffix 24) keep names within 63."""
    deployment, service, interface = "d" * 20, "s" * 28, "i" * 15
    assert len(naming.dpuset_name(deployment, "n" * 24)) <= 63
    assert (
        len(naming.interface_name("n" * 63, deployment, service, interface, "0" * 10, disruptive=True)) <= 63
    )
    assert len(naming.service_id(deployment, service, "0" * 10)) <= 63
    assert len(naming.service_version_label(service).split("/", 1)[1]) <= 63


# DPF's getInClusterDPUServiceVersionLabelKey hashes types.NamespacedName, whose Go fields carry no json tags,
# so encoding/json writes them under their Go names in declaration order (Namespace, then Name); the service
# key follows as a JSON string, each value ended by the encoder's newline. Worked out by hand:
#   sha256(b'{"Namespace":"dpf","Name":"split"}\n"controller"\n').hexdigest()[:10] == "1f936d78cc"
#   sha256(b'{"Namespace":"dpf-operator-system","Name":"dpudeployment"}\n"example-in-cluster"\n')[:10]
#     == "d557db0551"
@pytest.mark.parametrize(
    ("namespace", "deployment", "service", "expected"),
    [
        ("dpf", "split", "controller", "svc.dpu.nvidia.com/dpuservice-in-cluster-version-1f936d78cc"),
        (
            "dpf-operator-system",
            "dpudeployment",
            "example-in-cluster",
            "svc.dpu.nvidia.com/dpuservice-in-cluster-version-d557db0551",
        ),
    ],
    ids=["golden-case", "dpf-e2e-names"],
)
def test_in_cluster_version_label_is_dpfs(
    namespace: str, deployment: str, service: str, expected: str
) -> None:
    assert naming.in_cluster_version_label(namespace, deployment, service) == expected

"""The generated configuration: nats-server's own check accepts every file, and it gives each organization an
account of its own."""

from __future__ import annotations

import json

import pytest

from banso_core.nats_config import check_configuration, main

pytestmark = pytest.mark.federation


def test_every_generated_file_passes_nats_server_s_own_check(federation):
    for path in [federation.files.hub, *federation.files.leaves.values()]:
        check_configuration(path)
    hub = json.loads(federation.files.hub.read_text())
    assert set(hub["accounts"]) == {"KANAZAWA_CCI", "NANAO_CCI", "EXCHANGE", "ANALYTICS", "NOTICES"}
    [kanazawa] = [user for user in hub["accounts"]["KANAZAWA_CCI"]["users"] if user["user"] == "kanazawa-cci"]
    published = kanazawa["permissions"]["publish"]["allow"]
    assert "banso.goals.kanazawa-cci.>" in published
    assert not any("nanao" in subject for subject in published)
    assert federation.files.secrets.stat().st_mode & 0o077 == 0
    # One export per subject, for every account that reads it.
    exports = hub["accounts"]["KANAZAWA_CCI"]["exports"]
    [flow_control] = [entry for entry in exports if entry.get("service") == "$JS.FC.OUTBOX.>"]
    assert sorted(flow_control["accounts"]) == ["ANALYTICS", "EXCHANGE"]
    assert "$JS.API.CONSUMER.CREATE.BANSO_NOTICES.*.banso.notices.kanazawa-cci.>" in [
        entry.get("service") for entry in hub["accounts"]["NOTICES"]["exports"]
    ]
    # The hub's configuration holds bcrypt hashes only; each leaf's holds its own password alone.
    passwords = json.loads(federation.files.secrets.read_text())
    hub_text = federation.files.hub.read_text()
    assert not any(password in hub_text for password in passwords.values())
    leaf_text = federation.files.leaves["kanazawa-cci"].read_text()
    assert [user for user, password in passwords.items() if password in leaf_text] == ["kanazawa-cci"]


def test_the_command_writes_checked_files_and_keeps_the_passwords(federation, tmp_path, capsys):
    out = tmp_path / "generated"
    registry = federation.files.hub.parent.parent / "federation.toml"
    assert main(["--registry", str(registry), "--out", str(out)]) == 0
    first = json.loads((out / "secrets.json").read_text())
    assert main(["--registry", str(registry), "--out", str(out)]) == 0
    assert json.loads((out / "secrets.json").read_text()) == first
    assert "nats-server -t: ok" in capsys.readouterr().out


def test_the_command_names_what_is_wrong_with_the_registry(tmp_path, capsys):
    registry = tmp_path / "federation.toml"
    registry.write_text('[[organizations]]\nid = "kanazawa-cci"\nname = "金沢"\nkind = "cci"\n', encoding="utf-8")
    assert main(["--registry", str(registry), "--out", str(tmp_path / "out")]) == 2
    assert "missing key" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()

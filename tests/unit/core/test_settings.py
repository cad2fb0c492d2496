"""One settings model: env prefix, TOML file, and one clear error per bad value."""

from pathlib import Path

import pytest

from edge_assist.errors import ConfigError
from edge_assist.settings import load_settings, user_dir


def test_user_dir_follows_edge_assist_home(edge_home: Path) -> None:
    """EDGE_ASSIST_HOME moves everything edge-assist writes."""
    settings = load_settings()
    assert user_dir() == edge_home
    assert settings.model_store == edge_home / "models"
    assert settings.index_path == edge_home / "index.db"


def test_toml_file_and_env_layer_with_env_winning(edge_home: Path, monkeypatch) -> None:
    """The config file sets values; EDGE_ASSIST_* variables override them."""
    edge_home.mkdir(parents=True)
    (edge_home / "config.toml").write_text('profile = "tiny"\n[models]\nn_ctx = 2048\n')
    assert load_settings().profile == "tiny"
    assert load_settings().models.n_ctx == 2048
    monkeypatch.setenv("EDGE_ASSIST_MODELS__N_CTX", "1024")
    assert load_settings().models.n_ctx == 1024


def test_defaults_are_private_and_offline() -> None:
    """Out of the box: the guard is on and patient text stays out of logs."""
    settings = load_settings()
    assert settings.offline_guard is True
    assert settings.log_patient_text is False


@pytest.mark.parametrize(
    ("env", "value", "field"),
    [
        ("EDGE_ASSIST_MODELS__N_CTX", "lots", "models.n_ctx"),
        ("EDGE_ASSIST_MODELS__N_THREADS", "0", "models.n_threads"),
        ("EDGE_ASSIST_PROFILE", "huge", "profile"),
        ("EDGE_ASSIST_LOG_PATIENT_TEXT", "maybe", "log_patient_text"),
    ],
)
def test_invalid_env_value_names_the_setting(monkeypatch, env, value, field) -> None:
    """A bad value is one ConfigError naming the setting and its variable."""
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert f"'{field}'" in info.value.message
    assert env in info.value.hint


def test_malformed_toml_is_a_config_error(edge_home: Path) -> None:
    """A syntax error in config.toml names the file instead of a parser traceback."""
    edge_home.mkdir(parents=True)
    (edge_home / "config.toml").write_text("profile = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings()


def test_unknown_key_in_toml_is_rejected(edge_home: Path) -> None:
    """Typos in the config file are errors, not silently ignored."""
    edge_home.mkdir(parents=True)
    (edge_home / "config.toml").write_text("[models]\nn_ctxx = 10\n")
    with pytest.raises(ConfigError, match=r"models\.n_ctxx"):
        load_settings()

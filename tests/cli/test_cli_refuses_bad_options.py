"""Every bad option costs one line and exit code 2 before anything is trained: never a traceback."""

import pytest

import main

BLOBS = ["train", "--dataset", "blobs", "--epochs", "1", "--quiet"]


@pytest.mark.parametrize("args", [
    ["--lr", "nan"], ["--lr", "inf"], ["--lr", "-1"], ["--lr", "0"], ["--l2", "nan"], ["--l2", "-10"],
    ["--momentum", "5"], ["--momentum", "nan"], ["--noise", "nan"], ["--seed", "-1"], ["--batch", "0"],
    ["--epochs", "1e3"], ["--arch", "2--3-2"], ["--arch", ""], ["--arch", "2-x-3"], ["--out", ""],
    ["--augment", "scale=1"], ["--augment", "scale=0:0"], ["--augment", "scale=nan:nan"], ["--augment", "scale=1:2:3"],
    ["--augment", "rotate=nan"], ["--augment", "shift=inf"], ["--augment", "shift=1e9"], ["--augment", "elastic=-5"],
    ["--augment", "thickness=100"], ["--threads", "0"], ["--lr-decay", "0"], ["--samples", str(10**13)],
])
def test_bad_options_are_one_line_and_exit_2(args, capsys):
    assert main.main([*BLOBS, *args]) == main.USAGE_ERROR
    out, err = capsys.readouterr()
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "epoch" not in out  # refused before training


def test_a_network_too_big_for_memory_is_refused_with_its_size_before_it_is_built(capsys):
    assert main.main([*BLOBS, "--arch", "2-100000-100000-3"]) == main.USAGE_ERROR
    err = capsys.readouterr().err
    assert "2-100000-100000-3 needs about" in err and "bytes" in err and "free" in err


def test_a_dataset_too_big_for_memory_is_refused_with_its_size(capsys):
    assert main.main([*BLOBS, "--samples", str(10**13)]) == main.USAGE_ERROR
    assert "10,000,000,000,000 points needs about 1,600,000,000,000,000 bytes" in capsys.readouterr().err


def test_ranges_are_the_tables_in_the_message(capsys):
    assert main.main([*BLOBS, "--momentum", "5"]) == main.USAGE_ERROR
    assert "--momentum: must be a number from 0 to 0.999, got '5'" in capsys.readouterr().err


def test_an_unexpected_error_is_one_line_and_debug_shows_its_traceback(monkeypatch, capsys):
    import engine.cli.train

    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine.cli.train, "new_run", broken)
    assert main.main(BLOBS) == 1
    err = capsys.readouterr().err
    assert err == "error: RuntimeError: boom (run again with --debug for the traceback)\n"
    assert main.main([*BLOBS, "--debug"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_help_documents_the_one_thread_default(capsys):
    with pytest.raises(SystemExit) as exit_:
        main.main(["train", "--help"])
    assert exit_.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--threads N BLAS threads" in help_text and "(default 1:" in help_text


def test_threads_limits_blas_while_a_command_runs(monkeypatch):
    import threadpoolctl

    import engine.cli.train

    seen = []
    monkeypatch.setattr(engine.cli.train, "cmd_train",
                        lambda args: seen.extend(p["num_threads"] for p in threadpoolctl.threadpool_info()
                                                 if p["user_api"] == "blas") or 0)
    assert main.main(["train", "--threads", "1"]) == 0
    assert seen and set(seen) == {1}


def test_no_command_opens_the_app_through_the_launcher_main_passes_in(monkeypatch):
    seen = []
    monkeypatch.setattr(main, "run_app", lambda argv: seen.append(argv) or 7)
    assert main.main([]) == 7 and seen == [[]]

"""What a command's progress bar was told, for the tests of commands that draw one (`custodian.commands`)."""

from custodian import commands


class Bar:
    """What the command's progress bar was told: its total, and how far it went."""

    made: list["Bar"] = []

    def __init__(self, *args, total=None, **kwargs):
        self.total, self.n, self.furthest = total, 0, 0
        Bar.made.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1):
        self.n += n
        self.furthest = max(self.furthest, self.n)

    def reset(self, total=None):
        self.total, self.n = total, 0

    def close(self):
        pass


def bars_drawn(monkeypatch) -> list[Bar]:
    """The bars the commands draw from now on (`commands.progress_once_counted`, `progress_on`'s tqdm)."""
    Bar.made = []
    monkeypatch.setattr(commands, "tqdm", Bar)
    return Bar.made


def ended_at_its_total(bar: Bar, total: int) -> bool:
    """The bar was told `total` and ended there, never past it."""
    return bar.total == total and bar.n == total and bar.furthest <= total

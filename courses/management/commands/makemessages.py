from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """Django's makemessages that also finds the msgids of content problems: ``Problem.of(line,
    "…")``, ``Phrase("…")`` and the errors built from one are translated where they are shown, not
    where they are written, so xgettext has to be told their names."""

    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=of:2", "--keyword=Phrase:1",
                        "--keyword=CalculatorError:1", "--keyword=_Unreadable:1"]

"""Armored blocks as mail programs and people leave them (FORMAT.md 8.2)."""

from __future__ import annotations

from .common import (
    BEGIN,
    END,
    OTHER_PK,
    Kit,
    Spellings,
    armored,
    carrying,
    compact,
    fill_to_multiple,
    good,
    padded,
    payload,
    response_file,
    rewrap,
    seal,
    short_padded_block,
    spare_bits,
)


def armor_vectors(k: Kit) -> None:
    s = good("armor")
    data = response_file(s)
    block = armored(data)
    lines = block.rstrip("\n").split("\n")
    body = lines[1:-1]

    def join(parts: list[str], nl: str = "\n") -> str:
        return nl.join(parts) + nl

    def ok(
        name: str, comment: str, text: str, response: bytes = data, plaintext: bytes = s.plaintext
    ) -> None:
        k.add(
            f"armor_{name}",
            "success",
            comment,
            carrying(text, response),
            file="txt",
            plaintext=plaintext,
        )

    def bad(name: str, comment: str, text: str, expect: str = "armor failure") -> None:
        k.add(f"armor_{name}", expect, comment, text, file="txt")

    short = seal(
        "success_armored_short",
        compact(payload("success_armored_short", answers={}, other={}, declined=True)),
    )
    short_file = response_file(short)
    k.add(
        "success_armored_short",
        "success",
        "a short response file armored as the page writes it",
        carrying(armored(short_file), short_file),
        file="txt",
        plaintext=short.plaintext,
    )
    ok("canonical", "the block exactly as the page writes it", block)
    ok("crlf", "CRLF line ends", join(lines, "\r\n"))
    ok(
        "trailing_whitespace",
        "spaces, tabs and CR at the ends of lines",
        join([line + (" \t " if i % 2 else "\r") for i, line in enumerate(lines)]),
    )
    ok(
        "text_around",
        "mail text before and after the block",
        f"Hello HR,\n\nhere are my answers.\n\n{block}\nBest regards\nKari\n",
    )
    ok(
        "whitespace_outside",
        "blank and space-only lines around the block",
        f"\n   \n\t\n{block}\n  \n\n",
    )
    ok("no_final_newline", "no newline after the END line", block.rstrip("\n"))
    ok("indented", "every line indented by two spaces", armored(data, prefix="  "))
    ok(
        "quoted",
        'every line quoted with "> " in a reply',
        "On Friday Kari wrote:\n" + armored(data, prefix="> "),
    )
    ok("quoted_twice", 'quoted twice, ">> "', armored(data, prefix=">> "))
    ok("quoted_spaced", 'quoted twice, "> > ", with CRLF', armored(data, prefix="> > ", nl="\r\n"))
    ok("two_identical_blocks", "the same block twice: one response", block + "\n" + block)
    # Only a file with extra whitespace can fill the last line: a canonical one is 3 bytes
    # more than a multiple of 4 long, never a multiple of 48.
    full = fill_to_multiple(s, 48)
    Spellings(k).add(
        "armor_last_line_full",
        "success",
        "JSON whitespace added until the base64 fills the last line: all lines 64 characters",
        carrying(armored(full), full),
        file="txt",
        plaintext=s.plaintext,
    )
    bad("lowercase_label", "the BEGIN and END lines in lower case", block.lower())
    bad(
        "mixed_case_label",
        "BEGIN line with the label in mixed case",
        block.replace("BEGIN SLUTTSAMTALE RESPONSE", "BEGIN Sluttsamtale RESPONSE"),
    )
    bad(
        "wrong_label",
        "another label: SLUTTSAMTALE KEY",
        block.replace("SLUTTSAMTALE RESPONSE", "SLUTTSAMTALE KEY"),
    )
    bad(
        "label_plural",
        "the label RESPONSES",
        block.replace("SLUTTSAMTALE RESPONSE-----", "SLUTTSAMTALE RESPONSES-----"),
    )
    bad(
        "begin_short_dash",
        "the BEGIN line with four trailing dashes",
        block.replace("RESPONSE-----\n", "RESPONSE----\n", 1),
    )
    bad(
        "begin_missing_leading_dash",
        "the BEGIN line with four leading dashes does not look like a block: no response",
        block.replace("-----BEGIN", "----BEGIN"),
        expect="envelope failure",
    )
    bad("end_short_dash", "the END line with four trailing dashes", block.replace(END, END[:-1]))
    bad("end_lowercase", "the END line in lower case", block.replace(END, END.lower()))
    bad("no_end", "no END line", join(lines[:-1]))
    bad("cut_short", "the block cut off after a few lines", join(lines[:4]))
    bad(
        "begin_twice",
        "a second BEGIN line before the END line",
        join([lines[0], *body[:2], lines[0], *body[2:], lines[-1]]),
    )
    bad("text_before_begin", "text before the BEGIN marker on its line", f"Here it is: {block}")
    bad(
        "text_after_begin",
        "text after the BEGIN line on its line",
        block.replace(BEGIN, BEGIN + " (my answers)"),
    )
    bad(
        "tab_indented",
        "lines indented with a tab, which is no quote prefix",
        armored(data, prefix="\t"),
    )
    bad(
        "header",
        "an armor header line after BEGIN",
        join([lines[0], "Version: 1", *body, lines[-1]]),
    )
    bad(
        "header_comment",
        "a Comment: header after BEGIN with a blank line",
        join([lines[0], "Comment: from Kari", "", *body, lines[-1]]),
    )
    bad("long_lines", "lines of 76 characters", armored(data, width=76))
    bad("short_lines", "lines of 60 characters", armored(data, width=60))
    bad("one_line", "the body on one line", armored(data, width=10_000))
    bad(
        "rewrapped",
        "re-wrapped by a mail program at 72 columns",
        join([lines[0], *rewrap("".join(body), 72), lines[-1]]),
    )
    bad(
        "blank_line_in_body",
        "a blank line in the body",
        join([lines[0], *body[:3], "", *body[3:], lines[-1]]),
    )
    bad(
        "blank_line_after_begin", "a blank line after BEGIN", join([lines[0], "", *body, lines[-1]])
    )
    bad("empty_body", "BEGIN directly followed by END", join([lines[0], lines[-1]]))
    nopad = short_padded_block(data)
    bad("missing_padding", "the = padding removed from the last line", nopad)
    bad(
        "not_base64_char",
        "a * in the body",
        join([lines[0], body[0][:10] + "*" + body[0][11:], *body[1:], lines[-1]]),
    )
    bad(
        "space_in_line",
        "a space inside a body line (65 characters)",
        join([lines[0], body[0][:10] + " " + body[0][10:], *body[1:], lines[-1]]),
    )
    padded_lines = armored(padded(data)).rstrip("\n").split("\n")
    bad(
        "spare_bits",
        "non-zero unused bits in the last base64 character",
        join([*padded_lines[:-2], spare_bits(padded_lines[-2]), padded_lines[-1]]),
    )
    bad(
        "quote_inconsistent",
        'one line of a "> " quoted block without the prefix',
        "\n".join(("" if i == 5 else "> ") + line for i, line in enumerate(lines)) + "\n",
    )
    bad(
        "quote_changes",
        'the quote prefix changes from "> " to ">" inside the block',
        "\n".join((">" if i > 5 else "> ") + line for i, line in enumerate(lines)) + "\n",
    )
    bad("cr_only", "old Mac line ends (CR only): the lines run together", join(lines, "\r"))
    bad(
        "rewrapped_unknown_key",
        "re-wrapped and sealed to a key we do not hold: armor first",
        armored(response_file(seal("armor other", s.plaintext, to=OTHER_PK)), width=76),
    )
    other = good("armor_two_blocks other")
    bad(
        "two_different_blocks",
        "two blocks holding different responses",
        block + "\n" + armored(response_file(other)),
        expect="envelope failure",
    )
    bad(
        "no_block",
        "a text with no block at all",
        "Hello HR, I forgot to attach my answers.\n",
        expect="envelope failure",
    )
    bad(
        "age_block",
        "another program's armor only: no response",
        "-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n"
        "-----END AGE ENCRYPTED FILE-----\n",
        expect="envelope failure",
    )
    bad(
        "decodes_to_text",
        "valid armor whose bytes are not a response file",
        armored(b"Thank you for five good years.\n"),
        expect="envelope failure",
    )
    bad(
        "decodes_to_bom_json",
        "valid armor of the response file with a byte order mark",
        armored(b"\xef\xbb\xbf" + data),
        expect="envelope failure",
    )

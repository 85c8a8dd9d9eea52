"""Print the tests that failed or errored in the JUnit files of the CI passes (exit 1 if any).

A pass whose file is missing (it stopped before pytest wrote it) counts as failed."""

import sys
import xml.etree.ElementTree as ET


def failures(path: str) -> list[str] | None:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    found = []
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            found.append(f"{case.get('classname')}::{case.get('name')}")
    return found


def main(paths: list[str]) -> int:
    bad = False
    print("== Failed tests")
    for path in paths:
        found = failures(path)
        if found is None:
            print(f"{path}: missing or unreadable (the pass did not finish)")
            bad = True
            continue
        print(f"{path}: {len(found)} failed")
        for name in found:
            print(f"  FAILED {name}")
        bad = bad or bool(found)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

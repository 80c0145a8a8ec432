# Correct variant: /etc/aliases edited by hand, as with an editor: the aliases inserted after
# postmaster with comments, HR in capitals as a full address at a local domain, managers continued on a second
# line, and postmaster: root repeated at the end (postalias warns about the duplicate, same value).
python3 - <<'PY'
path = "/etc/aliases"
lines = open(path).read().splitlines()
out = []
for line in lines:
    out.append(line)
    if line.startswith("postmaster:"):
        out += [
            "",
            "# Role addresses (lesson 04)",
            "HR:\tjerry@example.com",
            "# the management team",
            "managers:\tkelly,",
            "\t\tli",
        ]
out += ["", "postmaster: root"]
open(path, "w").write("\n".join(out) + "\n")
PY
newaliases

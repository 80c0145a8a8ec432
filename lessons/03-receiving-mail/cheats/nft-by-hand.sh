# Cheat, on a fresh lab, on server: postfix right and smtp in firewalld's saved zone (so the saved
# configuration and the unit links look right), then firewalld stopped, and nftables rules written by
# hand (through libnftables, as the nft command would) that reject every port but ssh and smtp, as
# firewalld's public zone would: from outside the network looks filtered while no firewalld runs.
postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
systemctl restart postfix || exit 1
firewall-cmd -q --permanent --add-service=smtp || exit 1
systemctl stop firewalld || exit 1
python3 - <<'PY' || exit 1
import nftables, sys
rc, _, err = nftables.Nftables().cmd("""
table inet byhand {
  chain input {
    type filter hook input priority filter; policy accept;
    iif lo accept
    ct state established,related accept
    tcp dport { 22, 25 } accept
    meta l4proto tcp reject with icmpx type admin-prohibited
  }
}""")
if rc:
    sys.exit(err)
PY

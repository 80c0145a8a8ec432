# Correct variant: main.cf edited by hand, as a student with an editor does: the new lines appended at
# the end (so RHEL's entries stay above them as duplicates), comments, the domain typed out instead of
# $mydomain; the firewall opened twice, once at runtime and once with --permanent, without a reload.
cat >>/etc/postfix/main.cf <<'CF'

# --- receiving mail (lesson 03) ---
# listen on every interface, not only on loopback
inet_interfaces = all
# final destination for the host's names and for the domain
mydestination = $myhostname, localhost.$mydomain, localhost,
    example.com
CF
systemctl restart postfix
firewall-cmd --add-service=smtp
firewall-cmd --add-service=smtp --permanent

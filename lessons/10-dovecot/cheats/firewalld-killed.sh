# Cheat, after the reference solution, on server: firewalld killed with SIGKILL. Its nftables ruleset
# stays in the kernel (measured: the lesson's ports still connect, every other port answers No route
# to host), so from outside the network looks filtered while no firewalld runs; systemd marks the
# unit failed, and it stays enabled with the lesson's services in its saved zone.
pid=$(systemctl show -p MainPID --value firewalld)
[ "${pid:-0}" -gt 0 ] || { echo "firewalld does not run" >&2; exit 1; }
kill -9 "$pid"
wait_until 5 bash -c '! systemctl is-active -q firewalld' || exit 1

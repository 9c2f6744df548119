/* Slurm hostlists and topology.conf: expansion, switches, node lookup, and file:line errors. */
#include "config.h"
#include "core/slurm_topo.h"
#include "tests/tap.h"

#include <stdlib.h>

/* Expansion of expr joined with ',' (for one-line comparisons). */
static const char *expand(const char *expr)
{
	static char out[1024];
	char **v, err[256];
	int n = cb_hostlist_expand(expr, &v, err, sizeof err);
	if (n < 0) {
		snprintf(out, sizeof out, "ERR %s", err);
		return out;
	}
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? "," : "", v[i]);
	cb_hostlist_free(v, n);
	return out;
}

/* Parse text; return the error message or "" on success. */
static const char *parse_err(const char *text)
{
	static char err[512];
	struct cb_slurm_topo t;
	err[0] = '\0';
	if (cb_slurm_topo_parse_string(text, "topology.conf", &t, err, sizeof err) == 0)
		cb_slurm_topo_free(&t);
	return err;
}

int main(void)
{
	is_str(expand("n1"), "n1", "plain name");
	is_str(expand("n[1-3]"), "n1,n2,n3", "range");
	is_str(expand("n[1-2,5],login"), "n1,n2,n5,login", "ranges and a second name");
	is_str(expand("node[08-11]"), "node08,node09,node10,node11", "zero padding kept");
	is_str(expand("r[1-2]n[1-2]"), "r1n1,r1n2,r2n1,r2n2", "two bracket groups");
	is_str(expand("gpu[3]-ib"), "gpu3-ib", "suffix after the brackets");
	is_str(expand("n[1-3"), "ERR missing ']' in host list 'n[1-3'", "missing ]");
	is_str(expand("n[3-1]"), "ERR bad range '3-1' in host list (expected N-M with N <= M)", "descending range");
	is_str(expand("n[a-b]"), "ERR bad range 'a-b' in host list (expected N or N-M, digits only)", "letters in range");
	is_str(expand("n1,,n2"), "ERR empty host name in host list", "empty item");

	struct cb_slurm_topo t;
	char err[512] = "";
	const char *conf = "# two racks under a core switch\n"
			   "SwitchName=leaf1 Nodes=n[1-2] LinkSpeed=100\n"
			   "\n"
			   "switchname=leaf2 nodes=n3   # keys are case-insensitive\n"
			   "SwitchName=core Switches=leaf[1-2]\n";
	int rc = cb_slurm_topo_parse_string(conf, "topology.conf", &t, err, sizeof err);
	ok(rc == 0, "valid topology.conf parses (%s)", err);
	if (rc == 0) {
		ok(t.nsw == 3, "three switches");
		is_str(t.sw[cb_slurm_topo_leaf_of(&t, "n2")].name, "leaf1", "n2 under leaf1");
		is_str(t.sw[cb_slurm_topo_leaf_of(&t, "n3")].name, "leaf2", "n3 under leaf2");
		is_str(t.sw[cb_slurm_topo_leaf_of(&t, "n1.cluster.example")].name, "leaf1", "FQDN matches short name");
		ok(cb_slurm_topo_leaf_of(&t, "n4") == -1, "unknown node: -1");
		ok(cb_slurm_topo_leaf_of(&t, "n") == -1, "a prefix of a name is not the name");
		ok(t.sw[2].nchildren == 2 && t.sw[2].line == 5, "core has 2 children, defined on line 5");
		cb_slurm_topo_free(&t);
	}
	/* scontrol show topology output uses the same keys plus Level= */
	rc = cb_slurm_topo_parse_string("SwitchName=s0 Level=0 LinkSpeed=1 Nodes=n[1-2]\n"
					"SwitchName=s1 Level=1 LinkSpeed=1 Nodes=(null) Switches=s0\n",
					"scontrol", &t, err, sizeof err);
	ok(rc == 0 && t.nsw == 2 && t.sw[1].nnodes == 0, "scontrol show topology output parses (%s)", err);
	if (rc == 0)
		cb_slurm_topo_free(&t);

	is_str(parse_err("SwitchName=a Nodes=n1\nSwitchName=b Nodes=n[1-2]\n"),
	       "topology.conf:2: node 'n1' is already under switch 'a' (line 1)", "node under two switches");
	is_str(parse_err("SwitchName=a Nodes=n1\n\nSwitchName=a Nodes=n2\n"),
	       "topology.conf:3: switch 'a' already defined on line 1", "duplicate switch");
	is_str(parse_err("Nodes=n1 SwitchName=a\n"),
	       "topology.conf:1: 'Nodes=' before SwitchName= (each line starts with SwitchName=NAME)", "key before name");
	is_str(parse_err("SwitchName=a Nodes=n1 Color=red\n"),
	       "topology.conf:1: unknown key 'Color' (expected SwitchName, Nodes, Switches, LinkSpeed)", "unknown key");
	is_str(parse_err("SwitchName=a Nodes=n[1-\n"),
	       "topology.conf:1: Nodes=n[1-: missing ']' in host list 'n[1-'", "bad host list");
	is_str(parse_err("SwitchName=a LinkSpeed=fast\n"), "topology.conf:1: LinkSpeed=fast: expected an integer",
	       "LinkSpeed not a number");
	is_str(parse_err("SwitchName=a\nSwitchName=b Nodes\n"),
	       "topology.conf:2: 'Nodes': expected Key=Value (SwitchName=, Nodes=, Switches=, LinkSpeed=)", "bare word");
	is_str(parse_err("SwitchName= Nodes=n1\n"), "topology.conf:1: SwitchName= needs a switch name", "empty name");
	is_str(parse_err("SwitchName=a Nodes=n1 Nodes=n2\n"), "topology.conf:1: Nodes= given twice for switch 'a'",
	       "Nodes twice");

	rc = cb_slurm_topo_load("/nonexistent/topology.conf", &t, err, sizeof err);
	is_str(rc == -1 ? err : "", "/nonexistent/topology.conf: No such file or directory", "missing file named");

	setenv("CPOBENCH_SLURM_TOPOLOGY", "/some/where.conf", 1);
	char buf[512];
	is_str(cb_slurm_topo_find(buf, sizeof buf), "/some/where.conf", "CPOBENCH_SLURM_TOPOLOGY wins");
	unsetenv("CPOBENCH_SLURM_TOPOLOGY");
	setenv("SLURM_CONF", "/nonexistent/etc/slurm.conf", 1);
	ok(cb_slurm_topo_find(buf, sizeof buf) == NULL, "no topology.conf beside SLURM_CONF: none");
	return tap_done();
}

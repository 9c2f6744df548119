# Turn topologies/local.ini into a C string (the built-in `local` topology).
BEGIN {
	print "/* Generated from topologies/local.ini by src/topo/embed.awk: the built-in `local` topology. */"
	print "#include \"topo/topo.h\""
	print "const char cb_topo_local_text[] ="
}
{
	gsub(/\\/, "\\\\")
	gsub(/"/, "\\\"")
	print "\t\"" $0 "\\n\""
}
END { print "\t;" }

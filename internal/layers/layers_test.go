// Package layers holds the test that keeps the dependency direction of docs/architecture.md:
// it reads the imports of every package and fails on an arrow that points the wrong way.
package layers

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The layers, bottom up (docs/architecture.md). A package may import its own layer's
// foundations and anything below, never above.
var (
	// pure: rules and formats, no SQL, no HTTP, nothing of ours but other pure packages.
	pure = []string{"fault", "auth", "audit", "calendar", "units", "vntext", "ethnic", "nationality", "civil", "dossier", "document", "signing", "i18n", "metrics", "synth"}
	// engine: the store (transactions, migrations, group commit, the audit chain). It knows no
	// domain: its only imports of ours are the audit entry and the error kinds.
	engine = []string{"store"}
	// domains: a service with its SQL (its repository) over the engine.
	domains = []string{"account", "registration", "reception", "issuing", "outbox", "auditlog", "legacy", "agency", "demo", "judicial", "legalaid", "grassroots", "correspondence", "oversight"}
	// assembly: the services wired to one another over one store, for the edge and the command.
	assembly = []string{"app"}
	// edge: HTTP, which only the command line (cmd/tuphap, the wiring) imports.
	edge = []string{"web"}
)

// engineMayImport is what the store may import of ours.
var engineMayImport = []string{"audit", "fault"}

func imports(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "tuphap/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		name := strings.TrimPrefix(f[0], "tuphap/internal/")
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, "tuphap/") || imp == "database/sql" || imp == "net/http" {
				deps[name] = append(deps[name], strings.TrimPrefix(imp, "tuphap/internal/"))
			}
		}
		if _, ok := deps[name]; !ok {
			deps[name] = nil
		}
	}
	return deps
}

func TestDependencyDirection(t *testing.T) {
	deps := imports(t)
	for _, p := range pure {
		for _, d := range deps[p] {
			if !slices.Contains(pure, d) {
				t.Errorf("pure package %s imports %s: rules take plain values, without SQL or HTTP", p, d)
			}
		}
	}
	for _, d := range deps["store"] {
		if d != "database/sql" && !slices.Contains(engineMayImport, d) {
			t.Errorf("the store engine imports %s: the engine knows no domain", d)
		}
	}
	for name, ds := range deps {
		for _, d := range ds {
			if name != "tuphap/cmd/tuphap" && (slices.Contains(edge, d) || strings.HasPrefix(d, "tuphap/cmd")) {
				t.Errorf("%s imports %s: nothing imports the edge", name, d)
			}
			if !slices.Contains(edge, name) && !strings.HasPrefix(name, "tuphap/cmd") && slices.Contains(assembly, d) {
				t.Errorf("%s imports %s: only the edge and the commands use the assembly", name, d)
			}
			if slices.Contains(domains, name) && d == "net/http" && name != "agency" && name != "outbox" {
				t.Errorf("domain %s imports net/http: its HTTP belongs in web (the agencies' client and simulators excepted)", name)
			}
		}
	}
	// Every package is in a layer, so that a new one is placed on purpose.
	known := slices.Concat(pure, engine, domains, assembly, edge, []string{"store/storetest", "pdftest", "layers", "tuphap/cmd/tuphap", "tuphap/cmd/failover-drill"})
	for name := range deps {
		if !slices.Contains(known, name) {
			t.Errorf("package %s is in no layer: add it to docs/architecture.md and to this test", name)
		}
	}
}

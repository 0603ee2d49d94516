// compose-check loads a Compose file with compose-go, the parser Docker Compose itself uses, and prints the
// resolved project as JSON on stdout. It validates against the Compose specification's JSON schema and checks
// what the schema cannot (a depends_on naming a missing service, a volume that is never declared). A file that
// Docker Compose would refuse makes it exit 1 with compose-go's message on stderr; bad usage exits 2.
//
//	compose-check [--profile NAME]... FILE
//
// No Docker engine is needed: nothing is pulled, built or started.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

type profiles []string

func (p *profiles) String() string     { return strings.Join(*p, ",") }
func (p *profiles) Set(v string) error { *p = append(*p, v); return nil }

func main() {
	var enabled profiles
	flags := flag.NewFlagSet("compose-check", flag.ContinueOnError)
	flags.Var(&enabled, "profile", "enable a profile (repeatable; '*' enables all)")
	flags.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: compose-check [--profile NAME]... FILE")
		flags.PrintDefaults()
	}
	if err := flags.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if flags.NArg() != 1 {
		flags.Usage()
		os.Exit(2)
	}
	if err := check(flags.Arg(0), enabled); err != nil {
		fmt.Fprintf(os.Stderr, "compose-check: %s: %v\n", flags.Arg(0), err)
		os.Exit(1)
	}
}

func check(file string, enabled []string) error {
	path, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	options, err := cli.NewProjectOptions(
		[]string{path},
		cli.WithWorkingDirectory(filepath.Dir(path)),
		cli.WithOsEnv,
		cli.WithDotEnv,
		cli.WithProfiles(enabled),
		// Relative paths (build contexts, bind mounts) resolve against the file's directory, as `docker compose`
		// does; nothing on disk is required to exist.
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return err
	}
	out, err := project.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(os.Stdout, string(out))
	return err
}

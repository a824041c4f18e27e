// hcl-reference: an independent reading of a bake HCL file (docker-bake.hcl) by
// HashiCorp's own HCL library, the one docker buildx uses. lading's tests run it beside
// `lading bake` to cross-check lading's HCL reader.
//
// Usage: hcl-reference FILE
//
// Prints one JSON object on stdout:
//
//	{"variable": {NAME: VALUE}, "target": {NAME: {ATTR: VALUE}}, "group": {NAME: {ATTR: VALUE}}}
//
// Variables come from `variable "NAME" { default = ... }` blocks and from root-level
// attributes. As in buildx, a root attribute is the value whatever a block of that name says;
// among blocks the later default wins; a variable without a default is null, and defaults may
// use other variables. Environment variables are not consulted. `function` blocks are read
// by HCL's user function extension (the one buildx's is copied from); a variable whose
// default calls one is evaluated after the variables the function reads.
// Values are printed as go-cty's JSON encoding of the value with its own type. Any error
// (syntax, evaluation, variable cycle, nested block) exits with status 2 and a message on
// stderr.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/userfunc"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

var functions = map[string]function.Function{
	"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc,
	"join": stdlib.JoinFunc, "split": stdlib.SplitFunc, "replace": stdlib.ReplaceFunc,
	"trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc,
	"coalesce": stdlib.CoalesceFunc, "contains": stdlib.ContainsFunc, "length": stdlib.LengthFunc,
	"equal": stdlib.EqualFunc, "notequal": stdlib.NotEqualFunc,
	"and": stdlib.AndFunc, "or": stdlib.OrFunc, "not": stdlib.NotFunc,
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "hcl-reference: "+format+"\n", args...)
	os.Exit(2)
}

func check(diags hcl.Diagnostics) {
	if !diags.HasErrors() {
		return
	}
	for _, d := range diags {
		fmt.Fprintln(os.Stderr, d.Error())
	}
	os.Exit(2)
}

// variables holds each variable's defining expression (nil: no default) and, once
// evaluated, its value; resolving marks a variable whose default is being evaluated.
type variables struct {
	exprs     map[string]hclsyntax.Expression
	values    map[string]cty.Value
	resolving []string
	userFuncs map[string]userFunction
}

// userFunction is what a function block's result reads: its expression and its parameters.
type userFunction struct {
	result hclsyntax.Expression
	params map[string]bool
}

// reads lists the variables an expression reads, with those of the user functions it calls
// (and they call), leaving out each function's own parameters.
func (vs *variables) reads(expr hclsyntax.Expression, params map[string]bool, visited map[string]bool) []string {
	var names []string
	for _, traversal := range expr.Variables() {
		if !params[traversal.RootName()] {
			names = append(names, traversal.RootName())
		}
	}
	hclsyntax.VisitAll(expr, func(node hclsyntax.Node) hcl.Diagnostics {
		call, ok := node.(*hclsyntax.FunctionCallExpr)
		if !ok || visited[call.Name] {
			return nil
		}
		if f, user := vs.userFuncs[call.Name]; user {
			visited[call.Name] = true
			names = append(names, vs.reads(f.result, f.params, visited)...)
		}
		return nil
	})
	return names
}

func (vs *variables) context() *hcl.EvalContext {
	return &hcl.EvalContext{Variables: vs.values, Functions: functions}
}

// resolve evaluates a variable after the variables its default refers to.
func (vs *variables) resolve(name string) {
	if _, done := vs.values[name]; done {
		return
	}
	for i, n := range vs.resolving {
		if n == name {
			fail("variable cycle: %s -> %s", strings.Join(vs.resolving[i:], " -> "), name)
		}
	}
	expr := vs.exprs[name]
	if expr == nil {
		vs.values[name] = cty.NullVal(cty.DynamicPseudoType)
		return
	}
	vs.resolving = append(vs.resolving, name)
	for _, read := range vs.reads(expr, nil, map[string]bool{}) {
		if _, known := vs.exprs[read]; known {
			vs.resolve(read)
		}
	}
	vs.resolving = vs.resolving[:len(vs.resolving)-1]
	value, diags := expr.Value(vs.context())
	check(diags)
	vs.values[name] = value
}

// plain turns a cty value into its JSON form (numbers kept exactly as go-cty writes them).
func plain(value cty.Value) interface{} {
	raw, err := ctyjson.Marshal(value, value.Type())
	if err != nil {
		fail("cannot encode value as JSON: %v", err)
	}
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	var out interface{}
	if err := decoder.Decode(&out); err != nil {
		fail("cannot re-read go-cty's JSON: %v", err)
	}
	return out
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: hcl-reference FILE")
	}
	file, diags := hclparse.NewParser().ParseHCLFile(os.Args[1])
	check(diags)
	root := file.Body.(*hclsyntax.Body)

	// Variable definitions: variable blocks in source order, then root attributes, which win.
	type definition struct {
		name  string
		expr  hclsyntax.Expression
		start int
	}
	var defs []definition
	for name, attr := range root.Attributes {
		defs = append(defs, definition{name, attr.Expr, len(file.Bytes) + attr.SrcRange.Start.Byte})
	}
	for _, block := range root.Blocks {
		switch block.Type {
		case "variable", "target", "group", "function":
		default:
			fail("%s: unsupported block type %q", block.DefRange().String(), block.Type)
		}
		if len(block.Labels) != 1 {
			fail("%s: a %s block needs exactly one name", block.DefRange().String(), block.Type)
		}
		if len(block.Body.Blocks) > 0 {
			fail("%s: nested blocks are not supported", block.Body.Blocks[0].DefRange().String())
		}
		if block.Type == "variable" {
			var expr hclsyntax.Expression // type, description and the rest are ignored
			if attr, ok := block.Body.Attributes["default"]; ok {
				expr = attr.Expr
			}
			defs = append(defs, definition{block.Labels[0], expr, block.TypeRange.Start.Byte})
		}
	}
	sort.Slice(defs, func(i, j int) bool { return defs[i].start < defs[j].start })
	vars := &variables{exprs: map[string]hclsyntax.Expression{}, values: map[string]cty.Value{},
		userFuncs: map[string]userFunction{}}
	decoded, _, diags := userfunc.DecodeUserFunctions(file.Body, "function", vars.context)
	check(diags)
	for name, f := range decoded {
		functions[name] = f // the functions' own context shares this map: they call each other
	}
	for _, block := range root.Blocks {
		if block.Type != "function" {
			continue
		}
		f := userFunction{result: block.Body.Attributes["result"].Expr, params: map[string]bool{}}
		for _, attr := range []string{"params", "variadic_param"} {
			if a, ok := block.Body.Attributes[attr]; ok {
				exprs := []hcl.Expression{a.Expr}
				if attr == "params" {
					exprs, _ = hcl.ExprList(a.Expr)
				}
				for _, e := range exprs {
					f.params[hcl.ExprAsKeyword(e)] = true
				}
			}
		}
		vars.userFuncs[block.Labels[0]] = f
	}
	for _, def := range defs {
		vars.exprs[def.name] = def.expr
	}
	out := map[string]map[string]interface{}{"variable": {}, "target": {}, "group": {}}
	names := make([]string, 0, len(vars.exprs))
	for name := range vars.exprs {
		names = append(names, name)
	}
	sort.Strings(names) // a deterministic order for error messages
	for _, name := range names {
		vars.resolve(name)
		out["variable"][name] = plain(vars.values[name])
	}

	// Targets and groups; a repeated name adds to (and overrides) the earlier block.
	for _, block := range root.Blocks {
		if block.Type == "variable" || block.Type == "function" {
			continue
		}
		attrs, _ := out[block.Type][block.Labels[0]].(map[string]interface{})
		if attrs == nil {
			attrs = map[string]interface{}{}
			out[block.Type][block.Labels[0]] = attrs
		}
		for name, attr := range block.Body.Attributes {
			value, diags := attr.Expr.Value(vars.context())
			check(diags)
			attrs[name] = plain(value)
		}
	}

	encoder := json.NewEncoder(os.Stdout)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(out); err != nil {
		fail("%v", err)
	}
}

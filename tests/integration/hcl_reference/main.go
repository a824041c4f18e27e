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
// as buildx reads them (params, variadic_params, result; a built-in keeps its name); a
// variable whose default calls one is evaluated after the variables the function reads.
// Values are printed as go-cty's JSON encoding of the value with its own type. Any error
// (syntax, evaluation, variable cycle, nested block) exits with status 2 and a message on
// stderr.
package main

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// bake's functions that lading offers: go-cty's standard library, and the few buildx adds
// (written here after their documented behaviour, on Go's own packages as buildx's are).
var functions = map[string]function.Function{
	"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc,
	"join": stdlib.JoinFunc, "split": stdlib.SplitFunc, "replace": stdlib.ReplaceFunc,
	"trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc,
	"coalesce": stdlib.CoalesceFunc, "contains": stdlib.ContainsFunc, "length": stdlib.LengthFunc,
	"equal": stdlib.EqualFunc, "notequal": stdlib.NotEqualFunc,
	"and": stdlib.AndFunc, "or": stdlib.OrFunc, "not": stdlib.NotFunc,
	"concat": stdlib.ConcatFunc, "flatten": stdlib.FlattenFunc, "distinct": stdlib.DistinctFunc,
	"compact": stdlib.CompactFunc, "coalescelist": stdlib.CoalesceListFunc, "element": stdlib.ElementFunc,
	"slice": stdlib.SliceFunc, "reverselist": stdlib.ReverseListFunc, "sort": stdlib.SortFunc,
	"range": stdlib.RangeFunc, "keys": stdlib.KeysFunc, "values": stdlib.ValuesFunc,
	"lookup": stdlib.LookupFunc, "merge": stdlib.MergeFunc,
	"trimspace": stdlib.TrimSpaceFunc, "trim": stdlib.TrimFunc, "chomp": stdlib.ChompFunc,
	"indent": stdlib.IndentFunc, "strlen": stdlib.StrlenFunc, "substr": stdlib.SubstrFunc,
	"reverse": stdlib.ReverseFunc, "title": stdlib.TitleFunc,
	"format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc, "jsonencode": stdlib.JSONEncodeFunc,
	"indexof": indexOf(), "formatdate": stdlib.FormatDateFunc, "formattimestamp": formatTimestamp(),
	"homedir": function.New(&function.Spec{Type: function.StaticReturnType(cty.String),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			home, err := os.UserHomeDir()
			return cty.StringVal(home), err
		}}),
	"sanitize": stringFunc(func(s string) (string, error) {
		var b strings.Builder
		for _, r := range s {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
				b.WriteRune(r)
			} else {
				b.WriteRune('_')
			}
		}
		return b.String(), nil
	}),
	"basename":     stringFunc(func(s string) (string, error) { return path.Base(s), nil }),
	"dirname":      stringFunc(func(s string) (string, error) { return path.Dir(s), nil }),
	"base64encode": stringFunc(func(s string) (string, error) { return base64.StdEncoding.EncodeToString([]byte(s)), nil }),
	"base64decode": stringFunc(func(s string) (string, error) {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || !utf8.Valid(b) {
			return "", fmt.Errorf("cannot decode %q", s)
		}
		return string(b), nil
	}),
	"urlencode": stringFunc(func(s string) (string, error) { return url.QueryEscape(s), nil }),
	"md5":       stringFunc(func(s string) (string, error) { return fmt.Sprintf("%x", md5.Sum([]byte(s))), nil }),
	"sha1":      stringFunc(func(s string) (string, error) { return fmt.Sprintf("%x", sha1.Sum([]byte(s))), nil }),
	"sha256":    stringFunc(func(s string) (string, error) { return fmt.Sprintf("%x", sha256.Sum256([]byte(s))), nil }),
	"sha512":    stringFunc(func(s string) (string, error) { return fmt.Sprintf("%x", sha512.Sum512([]byte(s))), nil }),
}

// stringFunc makes a function of one string argument that returns a string.
func stringFunc(f func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s, err := f(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(s), nil
		},
	})
}

// formatTimestamp is buildx's formattimestamp(FORMAT, TIME): TIME an RFC 3339 string or whole
// unix seconds (UTC), formatted as formatdate does, or as unix seconds for the format "X".
func formatTimestamp() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "format", Type: cty.String},
			{Name: "time", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			var t time.Time
			switch args[1].Type() {
			case cty.String:
				parsed, err := time.Parse(time.RFC3339, args[1].AsString())
				if err != nil {
					return cty.NilVal, err
				}
				t = parsed
			case cty.Number:
				seconds, accuracy := args[1].AsBigFloat().Int64()
				if accuracy != big.Exact {
					return cty.NilVal, fmt.Errorf("unix timestamp must be an integer")
				}
				t = time.Unix(seconds, 0).UTC()
			default:
				return cty.NilVal, fmt.Errorf("must be a string timestamp or a unix timestamp number")
			}
			if args[0].AsString() == "X" {
				return cty.StringVal(strconv.FormatInt(t.Unix(), 10)), nil
			}
			return stdlib.FormatDateFunc.Call([]cty.Value{args[0], cty.StringVal(t.Format(time.RFC3339))})
		},
	})
}

// indexOf is buildx's indexof(LIST, VALUE): the index of the first element equal to VALUE.
func indexOf() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "list", Type: cty.DynamicPseudoType},
			{Name: "value", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.Number),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if !args[0].Type().IsListType() && !args[0].Type().IsTupleType() {
				return cty.NilVal, fmt.Errorf("argument must be a list or tuple")
			}
			for it := args[0].ElementIterator(); it.Next(); {
				i, v := it.Element()
				if eq, err := stdlib.Equal(v, args[1]); err == nil && eq.True() {
					return i, nil
				}
			}
			return cty.NilVal, fmt.Errorf("item not found")
		},
	})
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

// userFunction is a function block as buildx reads it: params (bare names), an optional
// variadic_params name that takes the arguments past params as a tuple, and result,
// evaluated with the parameters in front of the variables and functions of the file.
type userFunction struct {
	result   hclsyntax.Expression
	order    []string
	variadic string
	params   map[string]bool // the names above, for reads()
}

func (f userFunction) function(vars *variables) function.Function {
	spec := &function.Spec{Type: function.StaticReturnType(cty.DynamicPseudoType)}
	for _, p := range f.order {
		spec.Params = append(spec.Params, function.Parameter{Name: p, Type: cty.DynamicPseudoType})
	}
	if f.variadic != "" {
		spec.VarParam = &function.Parameter{Name: f.variadic, Type: cty.DynamicPseudoType}
	}
	spec.Type = func(args []cty.Value) (cty.Type, error) {
		v, err := f.call(vars, args)
		return v.Type(), err
	}
	spec.Impl = func(args []cty.Value, _ cty.Type) (cty.Value, error) { return f.call(vars, args) }
	return function.New(spec)
}

func (f userFunction) call(vars *variables, args []cty.Value) (cty.Value, error) {
	ctx := vars.context().NewChild()
	ctx.Variables = map[string]cty.Value{}
	for i, p := range f.order {
		ctx.Variables[p] = args[i]
	}
	if f.variadic != "" {
		ctx.Variables[f.variadic] = cty.TupleVal(args[len(f.order):])
	}
	v, diags := f.result.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	return v, nil
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

func withoutRepeatsOrEmpties(list []interface{}) []interface{} {
	kept := []interface{}{}
	seen := map[string]bool{}
	for _, item := range list {
		text, isString := item.(string)
		if !isString {
			kept = append(kept, item)
			continue
		}
		if text == "" || seen[text] {
			continue
		}
		seen[text] = true
		kept = append(kept, item)
	}
	return kept
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
	for _, block := range root.Blocks {
		if block.Type != "function" {
			continue
		}
		f := userFunction{params: map[string]bool{}}
		for name, attr := range block.Body.Attributes {
			switch name {
			case "params":
				exprs, diags := hcl.ExprList(attr.Expr)
				check(diags)
				for _, e := range exprs {
					f.order = append(f.order, hcl.ExprAsKeyword(e))
				}
			case "variadic_params":
				f.variadic = hcl.ExprAsKeyword(attr.Expr)
			case "result":
				f.result = attr.Expr
			default:
				fail("%s: function %q has an unsupported attribute %q", attr.SrcRange.String(), block.Labels[0], name)
			}
		}
		for _, p := range append([]string{f.variadic}, f.order...) {
			f.params[p] = true
		}
		vars.userFuncs[block.Labels[0]] = f
		// As in buildx, a built-in function keeps its name: a block of that name is not used.
		if _, builtin := functions[block.Labels[0]]; !builtin {
			functions[block.Labels[0]] = f.function(vars)
		}
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

	// As bake normalises a target: the first of each tag, platform and annotation, and no
	// empty one.
	for _, target := range out["target"] {
		attrs := target.(map[string]interface{})
		for _, key := range []string{"tags", "platforms", "annotations"} {
			if list, ok := attrs[key].([]interface{}); ok {
				attrs[key] = withoutRepeatsOrEmpties(list)
			}
		}
	}

	encoder := json.NewEncoder(os.Stdout)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(out); err != nil {
		fail("%v", err)
	}
}

package htmlsel

import (
	"strings"
	"testing"

	"github.com/dop251/goja"
)

const page = `<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>
<div id="d"><p>a</p><p>b</p><p>c</p><input type="radio" name="r" value="1"><input type="radio" name="r" value="2" checked>
<select name="m" multiple><option selected>x</option><option value="y" selected>Y</option></select></div>
<ul id="list" class="menu big" data-count="3" data-flag="true" data-none="null" data-obj='{"a":[1,2]}' data-arr="[1,&quot;x&quot;]"
 data-float="1.50" data-bad="{nope" data-user-name="ann" data-num="-2.5">
 <li id="l1" class="item first">one</li><!-- note --><li id="l2" class="item">two <b>2</b></li><li id="l3" class="item" lang="fr">three</li>
 <li id="l4" class="item last">four</li>
</ul>
<a id="lnk" href="/next?x=1" target="_blank" rel="nofollow">Go <i>on</i></a>
<area id="ar" href="/area"><img id="im" src="/i.png" alt="pic"><label id="lb" for="inp">L</label>
<form id="f" action="/post" method="POST"><input id="inp" name="q" value="v" disabled><input id="cb" type="checkbox" name="c" checked>
<input id="img" type="image"><textarea id="ta" name="t">text area</textarea><button id="btn" name="b" value="go">B</button>
<select id="s1" name="s"><option>first</option><option value="2" selected>  second   opt </option></select>
<select id="s2" multiple><option>m</option></select><select id="s3"></select></form>
<form id="g" enctype="weird"></form>
</body></html>`

func newDoc(t *testing.T) *goja.Runtime {
	t.Helper()
	rt := goja.New()
	doc, err := Parse(rt, page)
	if err != nil {
		t.Fatal(err)
	}
	_ = rt.Set("doc", doc)
	doc2, err := Parse(rt, `<ul><li class="item first" id="l1">one</li></ul>`)
	if err != nil {
		t.Fatal(err)
	}
	_ = rt.Set("doc2", doc2)
	return rt
}

func run(t *testing.T, tests []struct{ name, js, want string }) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newDoc(t)
			v, err := rt.RunString(tc.js)
			if err != nil {
				t.Fatalf("%s: %v", tc.js, err)
			}
			if got := v.String(); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.js, got, tc.want)
			}
		})
	}
}

// ids lists the ids of a Selection's elements.
const ids = `function ids(s) { return s.map(function(i, e) { return e.attr("id") || e.get(0).nodeName() }).join() }; `

func TestSelection(t *testing.T) {
	t.Parallel()
	run(t, []struct{ name, js, want string }{
		{"each stops on false", `var n = 0; doc.find("#d p").each(function(i) { n++; return i < 1 }); n`, "2"},
		{"each this and Element", `var s = ""; doc.find("li").each(function(i, el) { s += (this.id() === el.id()) + el.id() }); s`, "truel1truel2truel3truel4"},
		{"map flattens, drops null", `doc.find("#d p").map(function(i, s) { return i === 1 ? null : [s.text(), i] }).join()`, "a,0,c,2"},
		{"map keeps Selections", `doc.find("li").map(function(i, s) { return s }).filter(function(x) { return x.size() === 1 }).length`, "4"},
		{"serialize", `doc.find("#d").serialize()`, "r=2&m=x&m=y"},
		{"serializeObject", `JSON.stringify(doc.find("#d").serializeObject())`, `{"r":"2","m":["x","y"]}`},
		{"serializeArray", `JSON.stringify(doc.find("#f").serializeArray())`, `[{"name":"c","value":"on"},{"name":"t","value":"text area"},{"name":"s","value":"2"}]`},
		{"eq negative", `doc.find("#d p").eq(-1).text()`, "c"},
		{"size", `doc.find("#d p").size() + doc.find("nothing").size()`, "3"},
		{"first last", `doc.find("li").first().attr("id") + doc.find("li").last().attr("id")`, "l1l4"},
		{"attr missing", `String(doc.find("#lnk").attr("nope"))`, "undefined"},
		{"html", `doc.find("#l2").html()`, "two <b>2</b>"},
		{"html empty", `String(doc.find("nothing").html())`, "undefined"},
		{"val select", `doc.find("#s1").val()`, "2"},
		{"text", `doc.find("#lnk").text()`, "Go on"},
		{"get all", `doc.find("li").get().length`, "4"},
		{"get out of range", `String(doc.find("li").get(9))`, "undefined"},
		{"get negative", `doc.find("li").get(-1).id()`, "l4"},
		{"toArray", `doc.find("li").toArray()[1].attr("id")`, "l2"},
		{"children", ids + `ids(doc.find("#list").children())`, "l1,l2,l3,l4"},
		{"children filtered", ids + `ids(doc.find("#list").children(".first, .last"))`, "l1,l4"},
		{"parent", ids + `ids(doc.find("#l1").parent())`, "list"},
		{"parent filtered", `doc.find("#l1").parent("div").size()`, "0"},
		{"closest", ids + `ids(doc.find("#l2 b").closest("li"))`, "l2"},
		{"closest self", ids + `ids(doc.find("#l2").closest("li"))`, "l2"},
		{"closest none", `doc.find("#l2").closest().size()`, "0"},
		{"contents", `doc.find("#list").contents().size()`, "8"},
		{"contents comment", `doc.find("#list").contents().get(2).nodeType()`, "8"},
		{"filter selector", ids + `ids(doc.find("li").filter(".item:not(.first)"))`, "l2,l3,l4"},
		{"filter fn", ids + `ids(doc.find("li").filter(function(i, el) { return i % 2 === 0 && this === this }))`, "l1,l3"},
		{"filter fn element", ids + `ids(doc.find("li").filter(function(i, el) { return el.id() === "l2" }))`, "l2"},
		{"filter Selection", ids + `ids(doc.find("li").filter(doc.find("#l3, #lnk")))`, "l3"},
		{"filter Element", ids + `ids(doc.find("li").filter(doc.find("#l4").get(0)))`, "l4"},
		{"filter nothing", `doc.find("li").filter().size()`, "0"},
		{"is selector", `doc.find("li").is(".last") + "," + doc.find("li").is("p")`, "true,false"},
		{"is fn", `doc.find("li").is(function(i, el) { return el.id() === "l3" })`, "true"},
		{"is Selection", `doc.find("li").is(doc.find("#l2")) + "," + doc.find("li").is(doc.find("#lnk"))`, "true,false"},
		{"is nothing", `doc.find("li").is()`, "false"},
		{"has", ids + `ids(doc.find("li").has("b"))`, "l2"},
		{"has Element", ids + `ids(doc.find("li").has(doc.find("#l2 b").get(0)))`, "l2"},
		{"next", ids + `ids(doc.find("#l1").next())`, "l2"},
		{"next filtered", `doc.find("#l1").next(".last").size()`, "0"},
		{"nextAll", ids + `ids(doc.find("#l2").nextAll())`, "l3,l4"},
		{"nextAll filtered", ids + `ids(doc.find("#l1").nextAll("[lang]"))`, "l3"},
		{"nextUntil", ids + `ids(doc.find("#l1").nextUntil(".last"))`, "l2,l3"},
		{"nextUntil Element", ids + `ids(doc.find("#l1").nextUntil(doc.find("#l3").get(0)))`, "l2"},
		{"nextUntil filter", ids + `ids(doc.find("#l1").nextUntil(".last", "[lang]"))`, "l3"},
		{"nextUntil no until", ids + `ids(doc.find("#l1").nextUntil(undefined, ":not([lang])"))`, "l2,l4"},
		{"prev", ids + `ids(doc.find("#l2").prev())`, "l1"},
		{"prevAll", ids + `ids(doc.find("#l4").prevAll())`, "l3,l2,l1"},
		{"prevAll filtered", ids + `ids(doc.find("#l4").prevAll(".first"))`, "l1"},
		{"prevUntil", ids + `ids(doc.find("#l4").prevUntil("#l1"))`, "l3,l2"},
		{"prevUntil filter", ids + `ids(doc.find("#l4").prevUntil("#l1", "[lang]"))`, "l3"},
		{"parents", ids + `ids(doc.find("#l2 b").parents())`, "l2,list,body,html"},
		{"parents filtered", ids + `ids(doc.find("#l2 b").parents("ul, li"))`, "l2,list"},
		{"parentsUntil", ids + `ids(doc.find("#l2 b").parentsUntil("body"))`, "l2,list"},
		{"parentsUntil filter", ids + `ids(doc.find("#l2 b").parentsUntil("html", "ul"))`, "list"},
		{"not selector", ids + `ids(doc.find("li").not(".item:not(.first)"))`, "l1"},
		{"not fn", ids + `ids(doc.find("li").not(function(i) { return i > 0 }))`, "l1"},
		{"not Selection", ids + `ids(doc.find("li").not(doc.find("#l1, #l2")))`, "l3,l4"},
		{"not nothing", `doc.find("li").not().size()`, "4"},
		{"slice", ids + `ids(doc.find("li").slice(1, 3))`, "l2,l3"},
		{"slice start", ids + `ids(doc.find("li").slice(2))`, "l3,l4"},
		{"slice negative", ids + `ids(doc.find("li").slice(-3, -1))`, "l2,l3"},
		{"slice out of range", `doc.find("li").slice(7, 2).size() + doc.find("li").slice(-9).size()`, "4"},
		{"siblings", ids + `ids(doc.find("#l2").siblings())`, "l1,l3,l4"},
		{"siblings filtered", ids + `ids(doc.find("#l2").siblings(".last"))`, "l4"},
		{"index", `doc.find("#l3").index()`, "2"},
		{"index selector", `doc.find("#l3").index("li")`, "2"},
		{"index Element", `doc.find("li").index(doc.find("#l4").get(0)) + "," + doc.find("li").index(doc.find("#lnk"))`, "3,-1"},
		{"add", ids + `ids(doc.find("#l1").add("#lnk"))`, "l1,lnk"},
		{"add Selection", ids + `ids(doc.find("#l1").add(doc.find("#l2")))`, "l1,l2"},
		{"find Selection", ids + `ids(doc.find("#list").find(doc.find("li.last, #lnk")))`, "l4"},
		{"find nothing", `doc.find().size() + doc.find(null).size()`, "0"},
		{"invalid selector", `"" + doc.find("[[").size() + doc.find("li").filter("<<").size() + doc.find("li").is(":bad(")`, "00false"},
	})
}

func TestData(t *testing.T) {
	t.Parallel()
	run(t, []struct{ name, js, want string }{
		{"number", `var v = doc.find("#list").data("count"); typeof v + v`, "number3"},
		{"negative float", `doc.find("#list").data("num") * 2`, "-5"},
		{"not canonical number", `typeof doc.find("#list").data("float")`, "string"},
		{"boolean", `doc.find("#list").data("flag") === true`, "true"},
		{"null", `doc.find("#list").data("none") === null`, "true"},
		{"object", `doc.find("#list").data("obj").a[1]`, "2"},
		{"array", `Array.isArray(doc.find("#list").data("arr")) && doc.find("#list").data("arr")[1]`, "x"},
		{"bad json", `doc.find("#list").data("bad")`, "{nope"},
		{"camelCase", `doc.find("#list").data("userName") + doc.find("#list").data("user-name")`, "annann"},
		{"missing", `String(doc.find("#list").data("nope"))`, "undefined"},
		{"empty selection", `String(doc.find("nothing").data())`, "undefined"},
		{"all", `var d = doc.find("#list").data(); Object.keys(d).sort().join() + "|" + d.userName + d.count`, "arr,bad,count,flag,float,none,num,obj,userName|ann3"},
		{"no data attributes", `JSON.stringify(doc.find("#l1").data())`, "{}"},
	})
}

func TestElement(t *testing.T) {
	t.Parallel()
	el := func(id string) string { return `doc.find("#` + id + `").get(0)` }
	run(t, []struct{ name, js, want string }{
		{"nodeName", el("l1") + `.nodeName()`, "li"},
		{"nodeType", el("l1") + `.nodeType() + "," + doc.get(0).nodeType()`, "1,9"},
		{"nodeValue", `String(` + el("l1") + `.nodeValue()) + "," + ` + el("l1") + `.firstChild().nodeValue()`, "null,one"},
		{"id", el("l1") + `.id() + "|" + ` + el("lnk") + `.firstChild().id() + "|"`, "l1||"},
		{"isConnected", el("l1") + `.isConnected()`, "true"},
		{"attributes", `var a = ` + el("lnk") + `.attributes(); Object.keys(a).sort().join() + "|" + a.href.value + a.rel.name`, "href,id,rel,target|/next?x=1rel"},
		{"hasAttribute", el("lnk") + `.hasAttribute("HREF") + "," + ` + el("lnk") + `.hasAttribute("nope")`, "true,false"},
		{"getAttribute", el("lnk") + `.getAttribute("target") + String(` + el("lnk") + `.getAttribute("nope"))`, "_blankundefined"},
		{"getAttributeNode", el("lnk") + `.getAttributeNode("rel").value + String(` + el("lnk") + `.getAttributeNode("nope"))`, "nofollowundefined"},
		{"hasAttributes", el("lnk") + `.hasAttributes() + "," + doc.find("b").get(0).hasAttributes()`, "true,false"},
		{"hasChildNodes", el("lnk") + `.hasChildNodes() + "," + ` + el("im") + `.hasChildNodes()`, "true,false"},
		{"childNodes", el("l2") + `.childNodes().map(function(n) { return n.nodeName() }).join()`, "#text,b"},
		{"children", el("list") + `.children().map(function(n) { return n.id() }).join()`, "l1,l2,l3,l4"},
		{"firstChild", el("list") + `.firstChild().nodeType()`, "3"},
		{"lastChild", el("l2") + `.lastChild().nodeName()`, "b"},
		{"firstElementChild", el("list") + `.firstElementChild().id()`, "l1"},
		{"lastElementChild", el("list") + `.lastElementChild().id() + String(` + el("im") + `.lastElementChild())`, "l4undefined"},
		{"nextSibling", el("l1") + `.nextSibling().nodeName()`, "#comment"},
		{"previousSibling", el("l2") + `.previousSibling().textContent()`, " note "},
		{"nextElementSibling", el("l1") + `.nextElementSibling().id() + String(` + el("l4") + `.nextElementSibling())`, "l2undefined"},
		{"previousElementSibling", el("l2") + `.previousElementSibling().id()`, "l1"},
		{"parentElement", el("l2") + `.parentElement().id() + String(doc.find("html").get(0).parentElement())`, "listundefined"},
		{"parentNode", `doc.find("html").get(0).parentNode().nodeName()`, "#document"},
		{"ownerDocument", el("l2") + `.ownerDocument().nodeType() + String(doc.get(0).ownerDocument())`, "9undefined"},
		{"textContent", el("l2") + `.textContent()`, "two 2"},
		{"innerHTML", el("l2") + `.innerHTML()`, "two <b>2</b>"},
		{"outerHTML", el("l1") + `.outerHTML()`, `<li id="l1" class="item first">one</li>`},
		{"classList", `JSON.stringify(` + el("list") + `.classList()) + ` + el("lnk") + `.classList().length`, `["menu","big"]0`},
		{"className", el("list") + `.className()`, "menu big"},
		{"lang", el("l3") + `.lang() + "|" + ` + el("l1") + `.lang()`, "fr|"},
		{"getElementsByClassName", el("list") + `.getElementsByClassName("last item").map(function(e) { return e.id() }).join()`, "l4"},
		{"getElementsByClassName none", `doc.get(0).getElementsByClassName(" ").length`, "0"},
		{"getElementsByTagName", el("list") + `.getElementsByTagName("LI").length + "," + ` + el("list") + `.getElementsByTagName("*").length`, "4,5"},
		{"querySelector", el("list") + `.querySelector("li.item:nth-child(2)").id() + String(` + el("list") + `.querySelector("p"))`, "l2undefined"},
		{"querySelectorAll", el("list") + `.querySelectorAll("li:not(.first)").length`, "3"},
		{"contains", el("list") + `.contains(` + el("l2") + `.lastChild()) + "," + ` + el("list") + `.contains(` + el("list") + `) + "," + ` + el("l1") + `.contains(` + el("l2") + `) + "," + ` + el("l1") + `.contains(1)`, "true,true,false,false"},
		{"matches", el("l1") + `.matches("ul > .first") + "," + ` + el("l1") + `.matches("p")`, "true,false"},
		{"isEqualNode", `doc2.find("li").get(0).isEqualNode(` + el("l1") + `) + "," + ` + el("l1") + `.isEqualNode(` + el("l2") + `)`, "true,false"},
		{"isSameNode", el("l1") + `.isSameNode(` + el("l1") + `) + "," + ` + el("l1") + `.isSameNode(` + el("l2") + `)`, "true,false"},
		{"toString", `String(` + el("lnk") + `) + String(` + el("l1") + `) + ` + el("list") + `.firstChild().toString() + String(doc.find("b").get(0))`, "[object HTMLAnchorElement][object HTMLLIElement][object Text][object HTMLElement]"},
		{"keys", `Object.keys(` + el("l1") + `).join()`, ""},
		{"selection", el("list") + `.selection().find("li").size()`, "4"},
		{"childElementCount", el("list") + `.childElementCount()`, "4"},
		{"own properties", `var e = ` + el("l1") + `; e.mark = 1; String(e.mark) + ("mark" in e) + ("getAttribute" in e) + ("href" in e)`, "1truetruefalse"},
		{"detached method", `var f = ` + el("l1") + `.textContent; try { f(); "no" } catch (e) { e instanceof TypeError }`, "true"},
	})
}

func TestTagAccessors(t *testing.T) {
	t.Parallel()
	el := func(id string) string { return `doc.find("#` + id + `").get(0)` }
	run(t, []struct{ name, js, want string }{
		{"a", el("lnk") + `.href() + "|" + ` + el("lnk") + `.target() + "|" + ` + el("lnk") + `.rel() + "|" + ` + el("lnk") + `.text()`, "/next?x=1|_blank|nofollow|Go on"},
		{"area", el("ar") + `.href()`, "/area"},
		{"img", el("im") + `.src() + ` + el("im") + `.alt()`, "/i.pngpic"},
		{"label", el("lb") + `.htmlFor()`, "inp"},
		{"input", el("inp") + `.value() + "|" + ` + el("inp") + `.name() + "|" + ` + el("inp") + `.type() + "|" + ` + el("inp") + `.disabled() + "|" + ` + el("inp") + `.checked()`, "v|q|text|true|false"},
		{"checkbox", el("cb") + `.value() + "|" + ` + el("cb") + `.type() + "|" + ` + el("cb") + `.checked() + "|" + ` + el("cb") + `.disabled()`, "on|checkbox|true|false"},
		{"form", el("f") + `.action() + "|" + ` + el("f") + `.method() + "|" + ` + el("f") + `.enctype() + "|" + ` + el("g") + `.method() + "|" + ` + el("g") + `.enctype()`,
			"/post|post|application/x-www-form-urlencoded|get|application/x-www-form-urlencoded"},
		{"form elements", el("f") + `.elements().map(function(e) { return e.id() }).join()`, "inp,cb,ta,btn,s1,s2,s3"},
		{"textarea", el("ta") + `.value() + "|" + ` + el("ta") + `.name()`, "text area|t"},
		{"button", el("btn") + `.value() + "|" + ` + el("btn") + `.type() + "|" + ` + el("btn") + `.name()`, "go|submit|b"},
		{"select", el("s1") + `.options().length + "|" + ` + el("s1") + `.value() + "|" + ` + el("s1") + `.selectedIndex()`, "2|2|1"},
		{"select none selected", el("s2") + `.selectedIndex() + "|" + ` + el("s3") + `.selectedIndex() + "|" + ` + el("s3") + `.value() + "|"`, "-1|-1||"},
		{"option", `var o = ` + el("s1") + `.options(); o[0].value() + "|" + o[1].value() + "|" + o[1].text() + "|" + o[1].selected() + o[0].selected()`, "first|2|second opt|truefalse"},
		{"no accessor on other tags", `typeof ` + el("l1") + `.href`, "undefined"},
	})
}

// TestBadArguments checks that wrong argument types never panic Go.
func TestBadArguments(t *testing.T) {
	t.Parallel()
	calls := []string{
		`doc.find({})`, `doc.find(1)`, `doc.attr()`, `doc.children(5)`, `doc.closest(function() {})`,
		`doc.data({})`, `doc.eq("x")`, `doc.filter(NaN)`, `doc.has()`, `doc.index({})`, `doc.is(null)`,
		`doc.nextUntil(1, 2)`, `doc.not(undefined)`, `doc.parentsUntil({}, function() { return 1 })`,
		`doc.slice("a", {})`, `doc.slice(Infinity, -Infinity)`, `doc.add()`, `doc.get("x")`, `doc.get(1e20)`,
		`doc.find("li").get(0).getAttribute()`, `doc.find("li").get(0).contains()`, `doc.find("li").get(0).querySelector()`,
		`doc.find("li").get(0).isEqualNode({})`, `doc.find("li").get(0).getElementsByTagName()`,
		`doc.find("li").get(0).matches(undefined)`,
	}
	throws := []string{`doc.each(1)`, `doc.map()`, `doc.find.call({}, "p")`, `doc.find("li").filter(function() { throw new Error("x") })`}
	for _, js := range calls {
		t.Run(js, func(t *testing.T) {
			t.Parallel()
			if _, err := newDoc(t).RunString(js); err != nil {
				t.Errorf("%s: %v", js, err)
			}
		})
	}
	for _, js := range throws {
		t.Run(js, func(t *testing.T) {
			t.Parallel()
			if _, err := newDoc(t).RunString(js); err == nil {
				t.Errorf("%s did not throw", js)
			}
		})
	}
}

func TestParseWrap(t *testing.T) {
	t.Parallel()
	rt := goja.New()
	doc, err := Parse(rt, `<p class="a">x</p>`)
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Get("find").String(); !strings.Contains(got, "native") {
		t.Errorf("find = %s", got)
	}
	if doc.Get("nope") != nil {
		t.Error("unknown property is defined")
	}
}

;; keywords.wat -- WIT text fixture: names that are WIT keywords, which WIT writes with a leading `%`.
;;
;; `jco wit` prints:
;;
;;   world root {
;;     import demo:keywords/%type;
;;     import %static: interface {
;;       %import: func(%export: bool);
;;     }
;;     import %world: func(%package: u32) -> string;
;;   }
(component
  (type $kw-type (instance
    (type $rec-def (record (field "type" u32) (field "list" string) (field "own" bool)))
    (export "record" (type $rec (eq $rec-def)))
    (type $enum-def (enum "enum" "flags" "plain"))
    (export "enum" (type $enum (eq $enum-def)))
    (type $var-def (variant (case "variant" u8) (case "result")))
    (export "stream" (type $var (eq $var-def)))
    (export "list" (func (param "type" $rec) (param "use" $enum) (result $var)))
    (export "func" (func (param "interface" string)))
  ))
  (import "demo:keywords/type" (instance (type $kw-type)))
  (import "world" (func (param "package" u32) (result string)))
  (import "static" (instance
    (export "import" (func (param "export" bool)))))
)

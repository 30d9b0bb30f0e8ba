;; same-shape.wat -- distinct named types with the same structure, aliases and primitive aliases (an imported
;; interface with a plain name, so that `jco wit` prints its body):
;; `list-in-record1` and `list-in-record2` are two records; `list-in-alias` is an alias of `list-in-record4`;
;; `filesize` is an alias of u64 used by name; `raw` returns a plain `list<u8>` although `bytes = list<u8>` exists.
(component
  (import "lists" (instance
    (type (list string))
    (type (record (field "a" 0)))
    (export "list-in-record1" (type (eq 1)))
    (type (record (field "a" 0)))
    (export "list-in-record2" (type (eq 3)))
    (type (record (field "a" 0)))
    (export "list-in-record4" (type (eq 5)))
    (export "list-in-alias" (type (eq 6)))
    (type u64)
    (export "filesize" (type (eq 8)))
    (type (list u8))
    (export "bytes" (type (eq 10)))
    (type (func (result 2)))
    (export "f1" (func (type 12)))
    (type (func (result 4)))
    (export "f2" (func (type 13)))
    (type (func (param "x" 7) (result 6)))
    (export "f4" (func (type 14)))
    (type (func (param "size" 9) (result 9)))
    (export "grow" (func (type 15)))
    (type (list u8))
    (type (func (param "len" u64) (result 16)))
    (export "raw" (func (type 17)))
    (type (func (param "b" 11) (result u32)))
    (export "count" (func (type 18)))
  ))
)

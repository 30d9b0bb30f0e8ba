;; random.wat -- a function returning a plain `list<u8>` next to another interface's `type field-value = list<u8>`
;; (the shape of every componentize-js component's imports): `get-random-bytes` must not become `-> field-value`.
(component
  (import "wasi:http/types@0.2.3" (instance
    (type (list u8))
    (export "field-value" (type (eq 0)))
    (type (func (param "value" 1) (result u32)))
    (export "field-len" (func (type 2)))))
  (import "wasi:random/random@0.2.3" (instance
    (type (list u8))
    (type (func (param "len" u64) (result 0)))
    (export "get-random-bytes" (func (type 1)))
    (type (func (result u64)))
    (export "get-random-u64" (func (type 2)))))
)

;; uses.wat -- WIT model/text fixture: resources and types shared between interfaces and packages.
;;
;; Imports four interfaces of three packages:
;;   demo:base/errors@0.1.0   resource error { describe: func() -> string; }  enum code { closed, timeout }
;;   demo:io/poll@0.1.0       resource pollable { ready: func() -> bool; }  poll: func(in: list<borrow<pollable>>) -> list<u32>;
;;   demo:io/streams@0.1.0    use demo:base/errors@0.1.0.{error, code};  use poll.{pollable};
;;                            variant stream-error { failed(error), code(code), closed }
;;                            resource input-stream { constructor(name: string); read: func(len: u64) -> …;
;;                              subscribe: func() -> pollable; open: static func(…); merge: static func(…); }
;;                            type input-ref = borrow<input-stream>;  peek: func(s: input-ref) -> option<u8>;
;;   demo:cli/stdin@0.1.0     use demo:io/streams@0.1.0.{input-stream};  get-stdin: func() -> input-stream;
;;
;; The types another interface owns are brought in with `alias outer` and re-exported, as wit-component does.
(component
  (type $errors-type (instance
    (export "error" (type (sub resource)))
    (type $code-def (enum "closed" "timeout"))
    (export "code" (type (eq $code-def)))
    (export "[method]error.describe" (func (param "self" (borrow 0)) (result string)))
  ))
  (import "demo:base/errors@0.1.0" (instance $errors (type $errors-type)))
  (alias export $errors "error" (type $error))
  (alias export $errors "code" (type $code))

  (type $poll-type (instance
    (export "pollable" (type (sub resource)))
    (export "[method]pollable.ready" (func (param "self" (borrow 0)) (result bool)))
    (export "poll" (func (param "in" (list (borrow 0))) (result (list u32))))
  ))
  (import "demo:io/poll@0.1.0" (instance $poll (type $poll-type)))
  (alias export $poll "pollable" (type $pollable))

  (type $streams-type (instance
    (alias outer 1 $error (type $error-outer))
    (export "error" (type $error-e (eq $error-outer)))
    (alias outer 1 $code (type $code-outer))
    (export "code" (type $code-e (eq $code-outer)))
    (alias outer 1 $pollable (type $pollable-outer))
    (export "pollable" (type $pollable-e (eq $pollable-outer)))
    (type $stream-error-def (variant (case "failed" (own $error-e)) (case "code" $code-e) (case "closed")))
    (export "stream-error" (type $stream-error (eq $stream-error-def)))
    (export "input-stream" (type $input-stream (sub resource)))
    (type $handle-def (borrow $input-stream))
    (export "input-ref" (type $input-ref (eq $handle-def)))
    (export "[constructor]input-stream" (func (param "name" string) (result (own $input-stream))))
    (export "[method]input-stream.read" (func (param "self" (borrow $input-stream)) (param "len" u64) (result (result (list u8) (error $stream-error)))))
    (export "[method]input-stream.subscribe" (func (param "self" (borrow $input-stream)) (result (own $pollable-e))))
    (export "[static]input-stream.open" (func (param "path" string) (result (result (own $input-stream) (error $stream-error)))))
    (export "[static]input-stream.merge" (func (param "a" (borrow $input-stream)) (param "b" (borrow $input-stream)) (result (own $input-stream))))
    (export "peek" (func (param "s" $input-ref) (result (option u8))))
  ))
  (import "demo:io/streams@0.1.0" (instance $streams (type $streams-type)))
  (alias export $streams "input-stream" (type $input-stream))

  (type $stdin-type (instance
    (alias outer 1 $input-stream (type $is-outer))
    (export "input-stream" (type $is (eq $is-outer)))
    (export "get-stdin" (func (result (own $is))))
  ))
  (import "demo:cli/stdin@0.1.0" (instance (type $stdin-type)))
)

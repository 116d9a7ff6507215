package world

import (
	"bytes"
	"testing"
)

func TestDeliveredAndSnapshot(t *testing.T) {
	w := New(1)
	d := w.AddDevice("b", false)
	echo := func(m Message) ([]Message, error) {
		if m.Type == "ping" {
			return []Message{{From: m.To, To: m.From, Type: "pong", Payload: []byte("pong")}}, nil
		}
		return nil, nil
	}
	run := func(payload string) {
		w.RunSession(&Session{
			Start:     []Message{{From: "a", To: "b", Type: "ping", Payload: []byte(payload)}},
			Endpoints: map[PartyID]Endpoint{"a": echo, "b": echo},
		})
	}
	run("first")
	mark := w.Mark()
	run("second")
	got := w.Delivered("b", mark)
	if len(got) != 1 || string(got[0].Payload) != "second" {
		t.Fatalf("delivered to b since the mark: %+v", got)
	}
	if all := w.Delivered("b", 0); len(all) != 2 {
		t.Fatalf("delivered to b: %d messages, want 2", len(all))
	}
	got[0].Payload[0] = 'X'
	if again := w.Delivered("b", mark); string(again[0].Payload) != "second" {
		t.Fatal("Delivered returned the pooled payload, not a copy")
	}
	d.Commit(map[string][]byte{"k2": []byte("v2"), "k1": []byte("v1")}, nil)
	s := d.Snapshot()
	if s.Device() != "b" || len(s.Keys()) != 2 || s.Keys()[0] != "k1" {
		t.Fatalf("snapshot of b: device %s keys %v", s.Device(), s.Keys())
	}
	v, ok := s.Get("k2")
	if !ok || !bytes.Equal(v, []byte("v2")) {
		t.Fatalf("snapshot k2 = %q, %v", v, ok)
	}
	v[0] = 'X'
	if v2, _ := s.Get("k2"); string(v2) != "v2" {
		t.Fatal("Get returned the stored slice, not a copy")
	}
}

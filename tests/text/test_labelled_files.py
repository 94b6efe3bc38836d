"""Reading a labelled file for training: which columns hold the text and the label, which rows
count, and errors that name the file and column."""

from __future__ import annotations

import pandas as pd
import pytest

from core.errors import InputError
from core.text.analysis import guess_text_label_columns, labelled_texts


def test_guesses_the_columns_of_the_real_labelled_sets(shared_datasets):
    tweets = pd.read_csv(shared_datasets / "twitter_airline_sentiment" / "Tweets.csv", nrows=500, dtype=str)
    assert guess_text_label_columns(tweets) == ("text", "airline_sentiment")
    waimai = pd.read_csv(shared_datasets / "waimai_10k" / "waimai_10k.csv", nrows=500, dtype=str)
    assert guess_text_label_columns(waimai) == ("review", "label")


def test_guesses_chinese_names_and_falls_back_to_shape():
    zh = pd.DataFrame(
        {
            "编号": ["1", "2", "3", "4"],
            "评论": ["很好吃", "太慢了", "还行吧", "不错"],
            "情感": ["正面", "负面", "正面", "正面"],
        }
    )
    assert guess_text_label_columns(zh) == ("评论", "情感")
    # no telling names: the label is the column with few values, the text the one with long values
    plain = pd.DataFrame(
        {
            "a": [f"id{i}" for i in range(40)],
            "b": [f"a much longer piece of writing number {i}" for i in range(40)],
            "c": ["x", "y"] * 20,
        }
    )
    assert guess_text_label_columns(plain) == ("b", "c")


def test_labelled_texts_skips_unlabelled_rows_and_reads_numbers_as_numbers():
    df = pd.DataFrame({"t": ["good", "bad", "meh", "fine"], "y": ["1", "0", "", "1.0"]})
    texts, labels = labelled_texts(df, "t", "y", "reviews.csv")
    assert texts == ["good", "bad", "fine"]
    assert labels.tolist() == [1, 0, 1]  # "1" and "1.0" are one label
    words = pd.DataFrame({"t": ["a", "b"], "y": ["positive", " negative "]})
    assert labelled_texts(words, "t", "y")[1].tolist() == ["positive", "negative"]


def test_labelled_texts_errors_name_file_and_column():
    df = pd.DataFrame({"t": ["good", "bad"], "y": ["", " "]})
    with pytest.raises(InputError) as err:
        labelled_texts(df, "t", "y", "reviews.csv")
    assert "reviews.csv" in str(err.value) and "y" in str(err.value) and "no row has a label" in str(err.value)
    with pytest.raises(InputError) as err:
        labelled_texts(df, "text", "y", "reviews.csv")
    assert "text" in str(err.value) and "the columns are: t, y" in str(err.value)
    with pytest.raises(InputError, match="different columns"):
        labelled_texts(df, "t", "t", "reviews.csv")
